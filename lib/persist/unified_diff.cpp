#include "persist/unified_diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace ncs::persist {
namespace {

constexpr std::size_t k_context = 3;

struct Line {
    std::string_view text; ///< without the newline
    bool newline = true;   ///< false for a last line without '\n'
    bool operator==(const Line&) const = default;
};

std::vector<Line> split_lines(std::string_view text) {
    std::vector<Line> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        if (end == std::string_view::npos) {
            lines.push_back({text, false});
            break;
        }
        lines.push_back({text.substr(0, end), true});
        text.remove_prefix(end + 1);
    }
    return lines;
}

enum class Op { equal, remove, insert };

struct Edit {
    Op op;
    std::size_t old_index; ///< the old line (equal, remove) or the old position (insert)
    std::size_t new_index; ///< the new line (equal, insert) or the new position (remove)
};

// The shortest edit script by LCS, removals before insertions in each change.
std::vector<Edit> edit_script(const std::vector<Line>& a, const std::vector<Line>& b) {
    const std::size_t n = a.size();
    const std::size_t m = b.size();
    // lcs[i][j]: the LCS length of a[i..] and b[j..].
    std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;) {
        for (std::size_t j = m; j-- > 0;) {
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
        }
    }
    std::vector<Edit> edits;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) {
            edits.push_back({Op::equal, i++, j++});
        } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
            edits.push_back({Op::remove, i++, j});
        } else {
            edits.push_back({Op::insert, i, j++});
        }
    }
    return edits;
}

// GNU diff: "start,count", "start" alone when count is 1, and for an empty
// range the line before it.
std::string range(std::size_t first, std::size_t count) {
    if (count == 1) {
        return fmt::format("{}", first + 1);
    }
    return fmt::format("{},{}", count == 0 ? first : first + 1, count);
}

void append_line(std::string& out, char prefix, const Line& line) {
    out += prefix;
    out += line.text;
    out += '\n';
    if (!line.newline) {
        out += "\\ No newline at end of file\n";
    }
}

} // namespace

std::string unified_diff(std::string_view old_text, std::string_view new_text,
                         std::string_view old_label, std::string_view new_label) {
    if (old_text == new_text) {
        return {};
    }
    const auto a = split_lines(old_text);
    const auto b = split_lines(new_text);
    const auto edits = edit_script(a, b);

    std::string out = fmt::format("--- {}\n+++ {}\n", old_label, new_label);
    std::size_t k = 0;
    while (k < edits.size()) {
        // The next change, and the hunk around it: changes separated by at most
        // 2 * context equal lines share a hunk.
        while (k < edits.size() && edits[k].op == Op::equal) {
            ++k;
        }
        if (k == edits.size()) {
            break;
        }
        const std::size_t begin = k >= k_context ? k - k_context : 0;
        std::size_t end = k;
        for (;;) {
            while (end < edits.size() && edits[end].op != Op::equal) {
                ++end;
            }
            std::size_t equal_run = 0;
            while (end + equal_run < edits.size() && edits[end + equal_run].op == Op::equal) {
                ++equal_run;
            }
            if (end + equal_run < edits.size() && equal_run <= 2 * k_context) {
                end += equal_run; // the next change joins this hunk
                continue;
            }
            end += std::min(equal_run, k_context);
            break;
        }

        std::size_t old_count = 0;
        std::size_t new_count = 0;
        for (std::size_t e = begin; e < end; ++e) {
            old_count += edits[e].op != Op::insert;
            new_count += edits[e].op != Op::remove;
        }
        out += fmt::format("@@ -{} +{} @@\n", range(edits[begin].old_index, old_count),
                           range(edits[begin].new_index, new_count));
        for (std::size_t e = begin; e < end; ++e) {
            switch (edits[e].op) {
            case Op::equal:
                append_line(out, ' ', a[edits[e].old_index]);
                break;
            case Op::remove:
                append_line(out, '-', a[edits[e].old_index]);
                break;
            case Op::insert:
                append_line(out, '+', b[edits[e].new_index]);
                break;
            }
        }
        k = end;
    }
    return out;
}

} // namespace ncs::persist
