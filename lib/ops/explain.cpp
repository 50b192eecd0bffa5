#include "ops/explain.hpp"

#include "grammar/boot_values.hpp"
#include "ops/inspect.hpp"

namespace ncs::ops {
namespace {

/// One value to explain and where it came from.
struct Input {
    std::string source;
    std::string value;
};

/// A parser warning that check() repeats for a target is given once, on that target,
/// keeping the parser's hint.
void add_warnings(ExplainedValue& explained) {
    for (const auto& parsed : explained.result.targets) {
        explained.target_warnings.push_back(check(parsed.target));
    }
    for (const auto& warning : explained.result.warnings) {
        bool repeated = false;
        for (auto& target : explained.target_warnings) {
            for (auto& own : target) {
                if (own.message == warning.message) {
                    repeated = true;
                    if (own.hint.empty()) {
                        own.hint = warning.hint;
                    }
                }
            }
        }
        if (!repeated) {
            explained.warnings.push_back(warning);
        }
    }
}

} // namespace

Explanation explain(const Root& root, const ExplainRequest& request) {
    Explanation explanation;
    std::vector<Input> inputs;
    if (request.value) {
        inputs.push_back({std::string(k_given_value),
                          std::string(grammar::strip_parameter_name(*request.value))});
    } else {
        const auto found = find_configured_values(root, &explanation.skipped);
        const auto overridden = overridden_values(found);
        for (std::size_t i = 0; i < found.size(); ++i) {
            if (overridden[i]) {
                explanation.overridden.push_back({found[i], found[*overridden[i]]});
            } else {
                inputs.push_back({found[i].source, found[i].value});
            }
        }
    }
    for (const auto& input : inputs) {
        ExplainedValue explained;
        explained.source = input.source;
        try {
            explained.result = grammar::parse(input.value);
        } catch (const ParseError& e) {
            if (input.source == k_given_value) {
                throw;
            }
            explanation.rejected.emplace(e, input.source);
            break;
        }
        add_warnings(explained);
        explanation.values.push_back(std::move(explained));
    }
    return explanation;
}

} // namespace ncs::ops
