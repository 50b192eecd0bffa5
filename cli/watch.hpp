#pragma once
// `watch [target options] [--name NAME] [--dry-run]`: apply, then follow the network
// (lib/reconcile/watch.hpp) until SIGTERM/SIGINT.

#include "context.hpp"

namespace ncs::cli {

/// Registers `watch` on app.
Command setup_watch(CLI::App& app);

} // namespace ncs::cli
