#pragma once
// A unified diff (diff -u format, 3 lines of context) of two small texts, to
// show what a configuration write changes. Files here are a few lines, so a
// plain O(n*m) longest-common-subsequence is enough.

#include <string>
#include <string_view>

namespace ncs::persist {

/// "" when the texts are equal; otherwise "--- <old_label>\n+++ <new_label>\n" and
/// hunks as GNU diff -u writes them, with "\ No newline at end of file" markers.
std::string unified_diff(std::string_view old_text, std::string_view new_text,
                         std::string_view old_label, std::string_view new_label);

} // namespace ncs::persist
