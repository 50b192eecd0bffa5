// lib/resolve/host_name.cpp: getaddrinfo's answers mapped to input (exit 2)
// or operation (exit 1) errors.
#include "system/host_name.hpp"

#include "model/errors.hpp"

#include <catch2/catch.hpp>

#include <netdb.h>

using ncs::throw_lookup_error;

TEST_CASE("a name without an address is bad input") {
    CHECK_THROWS_AS(throw_lookup_error("nosuch.example", EAI_NONAME), ncs::InputError);
    CHECK_THROWS_AS(throw_lookup_error("nosuch.example", EAI_NODATA), ncs::InputError);
    CHECK_THROWS_AS(throw_lookup_error("nosuch.example", EAI_ADDRFAMILY), ncs::InputError);
    CHECK_THROWS_WITH(throw_lookup_error("nosuch.example", EAI_NONAME),
                      Catch::Contains("'nosuch.example'"));
}

TEST_CASE("a DNS failure is an operation failure, not bad input") {
    CHECK_THROWS_AS(throw_lookup_error("doctor.example", EAI_AGAIN), ncs::OperationError);
    CHECK_THROWS_AS(throw_lookup_error("doctor.example", EAI_FAIL), ncs::OperationError);
    CHECK_THROWS_AS(throw_lookup_error("doctor.example", EAI_MEMORY), ncs::OperationError);
    CHECK_THROWS_AS(throw_lookup_error("doctor.example", EAI_SYSTEM), ncs::OperationError);
    CHECK_THROWS_WITH(throw_lookup_error("doctor.example", EAI_AGAIN),
                      Catch::Contains("could not resolve host name 'doctor.example'"));
}
