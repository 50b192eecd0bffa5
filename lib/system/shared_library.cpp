#include "system/shared_library.hpp"

#include "model/errors.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

namespace ncs {

SharedLibrary SharedLibrary::open(const std::string& soname, std::string_view package)
{
    dlerror();
    void* handle = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = dlerror();
        throw OperationError(fmt::format("cannot open {}: {}", soname, why != nullptr ? why : "unknown error"),
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
