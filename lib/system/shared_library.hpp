#pragma once
// Optional libraries opened at run time (dlopen), as systemd does for its own
// optional dependencies (dlopen_libkmod() and friends): a command that does not
// need the library never maps it, so it costs nothing at start-up.

#include <memory>
#include <string>
#include <string_view>

namespace ncs {

/// A library opened with dlopen(3) by soname; closed when the last copy goes.
class SharedLibrary {
public:
    /// Opens soname (e.g. "libkmod.so.2") with RTLD_NOW. Throws OperationError
    /// naming the library and dlerror()'s text, with a hint to install package.
    static SharedLibrary open(const std::string& soname, std::string_view package);

    /// The address of symbol name. Throws OperationError when the library lacks it
    /// (a wrong or too old version).
    void* symbol(const char* name) const;

    /// symbol() cast to the declared type of a C function, e.g.
    /// `auto f = lib.function<decltype(kmod_new)>("kmod_new");`.
    template <typename Function>
    Function* function(const char* name) const
    {
        return reinterpret_cast<Function*>(symbol(name));
    }

    const std::string& soname() const { return m_soname; }

private:
    SharedLibrary(std::string soname, std::shared_ptr<void> handle)
        : m_soname(std::move(soname)), m_handle(std::move(handle))
    {
    }

    std::string m_soname;
    std::shared_ptr<void> m_handle;
};

} // namespace ncs
