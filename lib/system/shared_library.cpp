#include "system/shared_library.hpp"

#include "model/errors.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <memory>
#include <string>

namespace ncs {

namespace {

std::string last_dl_error()
{
    const char* why = dlerror();
    return why != nullptr ? why : "unknown error";
}

#ifdef NCS_ELF_INTERPRETER
/// A fully static program (NCS_STATIC) has no dynamic loader mapped. The libc.so.6
/// that the opened library needs names the loader (ld-linux-x86-64.so.2) as a
/// dependency, and a static program looks for it only in the library directories
/// (/lib/x86_64-linux-gnu and the like), where an initramfs built from ldd's paths
/// lacks it: it sits at the path every dynamic program names (/lib64/... on
/// x86-64). Opened there first, it is found by its soname. Null when it is not there.
std::shared_ptr<void> open_interpreter()
{
    void* handle = dlopen(NCS_ELF_INTERPRETER, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr)
        return nullptr;
    return std::shared_ptr<void>(handle, [](void* h) { dlclose(h); });
}
#endif

} // namespace

SharedLibrary SharedLibrary::open(const std::string& soname, std::string_view package)
{
    dlerror();
    void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        std::string why = last_dl_error();
#ifdef NCS_ELF_INTERPRETER
        if (auto interpreter = open_interpreter()) {
            handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (handle != nullptr) {
                // The loader stays open as long as the library that needs it.
                return SharedLibrary(soname, std::shared_ptr<void>(handle, [interpreter](void* h) {
                                         dlclose(h);
                                     }));
            }
            why = last_dl_error();
        }
#endif
        throw OperationError(fmt::format("cannot open {}: {}", soname, why),
                             fmt::format("install the {} package", package));
    }
    return SharedLibrary(soname, std::shared_ptr<void>(handle, [](void* h) { dlclose(h); }));
}

void* SharedLibrary::symbol(const char* name) const
{
    dlerror();
    void* address = dlsym(m_handle.get(), name);
    const char* why = dlerror();
    if (why != nullptr || address == nullptr)
        throw OperationError(fmt::format("{} has no symbol {}: {}", m_soname, name, why != nullptr ? why : "null"),
                             "the installed library is too old or not the expected one");
    return address;
}

} // namespace ncs
