#pragma once
// `cmdline`'s use case (issue 21): the kernel command-line fragment for resolved targets,
// spelled for how netconsole is built in the kernel that boots, and the grub.d drop-in
// that carries it. Two steps around the resolution the caller does: which spelling
// (cmdline_build), then the fragment and the file plan (plan_cmdline); carry_out writes.

#include "model/target.hpp"
#include "ops/owned_files.hpp"
#include "persist/persist.hpp"
#include "system/initramfs.hpp"
#include "system/root.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ncs::ops {

/// How the spelling was decided.
enum class BuildReason {
    chosen,     ///< the request said (build given)
    built_in,   ///< the kernel's modules.builtin lists netconsole
    module,     ///< the kernel has netconsole as a module
    no_module,  ///< the kernel's module index knows no netconsole: module spelling
    no_modules, ///< no module index for the kernel: module spelling
};

/// What acts on the fragment at boot, which decides its spelling.
enum class LoadedBy {
    kernel,          ///< built in: the kernel parses netconsole= itself
    initramfs_tools, ///< initramfs-tools' init: `modprobe netconsole netconsole=<value>`
    module_loader,   ///< whatever loads the module after the root is mounted
};

/// How netconsole is built in the kernel that boots, what loads it, and why.
struct CmdlineBuild {
    persist::Build build = persist::Build::module; ///< how the kernel has netconsole
    BuildReason reason = BuildReason::chosen;
    std::string release; ///< the kernel it is for: the one given, else the running one
                         ///< ("" when chosen and uname(2) failed)
    LoadedBy loaded_by = LoadedBy::module_loader;

    /// The fragment's spelling: plain netconsole= unless only a module loader acts on it.
    [[nodiscard]] persist::Build spelling() const {
        return loaded_by == LoadedBy::module_loader ? persist::Build::module
                                                    : persist::Build::builtin;
    }
};

/// The spelling: build when given, else from <root>/lib/modules/<kernel or the running
/// release>. netconsole.netconsole= is read by a built-in netconsole too (generic module
/// parameters), so it is the spelling that cannot be wrong when the kernel cannot tell.
/// A module not chosen with Build::module is loaded by initramfs-tools when the root's
/// initramfs is built by it: its init runs `modprobe netconsole netconsole=<value>` for a
/// plain netconsole= before the root is mounted, while netconsole.netconsole= waits for
/// systemd-modules-load after it.
CmdlineBuild cmdline_build(const Root& root, std::optional<persist::Build> build,
                           const std::optional<std::string>& kernel);

/// What `cmdline` makes of resolved targets.
struct CmdlineRequest {
    std::vector<Target> targets;
    persist::Build build = persist::Build::module;
    std::string release; ///< the kernel that boots (CmdlineBuild::release), "" unknown
    std::optional<int> console_level; ///< loglevel=N appended (validated: 1-8)
    bool write_grub = false;          ///< plan /etc/default/grub.d/netconsole.cfg
    Force force = Force::no;
};

struct CmdlinePlan {
    std::string fragment;        ///< for the kernel's parser, not for a shell
    std::vector<FilePlan> files; ///< the grub.d drop-in when asked
};

/// The fragment and the drop-in's plan. Throws FieldError (a console level outside 1-8),
/// InputError (a fragment over the kernel's 255, a feature the release lacks:
/// require_boot_features), OwnedFileError, OperationError.
CmdlinePlan plan_cmdline(const Root& root, const CmdlineRequest& request);

/// The modules an initramfs needs for netconsole= to act before the root is mounted.
struct InitramfsModules {
    std::vector<std::string> modules;       ///< netconsole, then each device's driver module
    std::vector<Device> unknown_drivers; ///< devices whose driver sysfs does not show
};

/// netconsole and the driver module of each target's device, read from
/// <root>/sys/class/net/<dev>/device/driver (a device given as a MAC: of the interface
/// whose address it is).
InitramfsModules initramfs_modules(const Root& root, const std::vector<Target>& targets);

/// Where a module the initramfs needs was found.
enum class InImage {
    image,    ///< a member of the image (<name>.ko, .ko.xz, .ko.zst, .ko.gz)
    built_in, ///< built into the kernel (modules.builtin): the image needs no file
    missing,  ///< neither
};

/// What an initramfs image holds of the modules netconsole needs before the root.
struct InitramfsCheck {
    std::string release;    ///< the kernel whose image was read
    std::string image;      ///< "/boot/initrd.img-<release>"
    bool image_found = false;
    std::vector<std::pair<std::string, InImage>> modules; ///< in the order asked
    /// Whether every module is there (in the image or built in); false without an image.
    [[nodiscard]] bool complete() const;
};

/// Reads <root>/boot/initrd.img-<kernel or the running release> (system/initramfs_image)
/// for modules. Throws OperationError when the image cannot be read.
InitramfsCheck check_initramfs(const Root& root, const std::optional<std::string>& kernel,
                               const std::vector<std::string>& modules);

/// The plans of the generator's file that puts modules in the image: the tool's own
/// hook /etc/initramfs-tools/hooks/netconsole-setup (executable; with the removal of an
/// /etc/initramfs-tools/modules the tool wrote before, never of the administrator's) or
/// /etc/dracut.conf.d/90-netconsole-setup.conf. Throws OperationError for
/// InitramfsGenerator::none, OwnedFileError as plan_write.
std::vector<FilePlan> plan_initramfs_config(const Root& root, InitramfsGenerator generator,
                                            const std::vector<std::string>& modules,
                                            Force force);

} // namespace ncs::ops
