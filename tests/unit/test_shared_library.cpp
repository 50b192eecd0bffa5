// Opening optional libraries at run time, against the real dynamic loader.
#include "system/shared_library.hpp"

#include "model/errors.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstring>

using ncs::OperationError;
using ncs::SharedLibrary;

TEST_CASE("a library opened by soname yields callable functions", "[shared_library]")
{
    const auto libc = SharedLibrary::open("libc.so.6", "libc6");
    CHECK(libc.soname() == "libc.so.6");
    const auto getpid_fn = libc.function<decltype(::getpid)>("getpid");
    CHECK(getpid_fn() == ::getpid());
}

TEST_CASE("a missing library is an operation error naming it and the package", "[shared_library]")
{
    try {
        (void)SharedLibrary::open("libncs-does-not-exist.so.9", "libncs9");
        FAIL("open succeeded");
    } catch (const OperationError& e) {
        CHECK(std::strstr(e.what(), "libncs-does-not-exist.so.9") != nullptr);
        CHECK(e.hint() == "install the libncs9 package");
    }
}

TEST_CASE("a missing symbol is an operation error naming it", "[shared_library]")
{
    const auto libc = SharedLibrary::open("libc.so.6", "libc6");
    try {
        (void)libc.symbol("ncs_no_such_symbol");
        FAIL("symbol found");
    } catch (const OperationError& e) {
        CHECK(std::strstr(e.what(), "ncs_no_such_symbol") != nullptr);
    }
}
