// lib/system/initramfs_image.cpp: the member names of concatenated cpio newc archives
// (the compressed parts are read in the cli tier, on images cpio, zstd and gzip made).
#include "system/initramfs_image.hpp"

#include "model/errors.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

namespace {

/// One newc member: the header, the name and its NUL, the data, each padded to 4.
std::string member(const std::string& name, const std::string& data) {
    std::string out = fmt::format("070701{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}"
                                  "{:08x}{:08x}{:08x}{:08x}",
                                  1, 0100644, 0, 0, 1, 0, data.size(), 0, 0, 0, 0,
                                  name.size() + 1, 0);
    out += name;
    out += '\0';
    out.append((4 - out.size() % 4) % 4, '\0');
    out += data;
    out.append((4 - out.size() % 4) % 4, '\0');
    return out;
}

std::string archive(const std::vector<std::pair<std::string, std::string>>& members) {
    std::string out;
    for (const auto& [name, data] : members) {
        out += member(name, data);
    }
    out += member("TRAILER!!!", "");
    out.append((512 - out.size() % 512) % 512, '\0'); // cpio's block padding
    return out;
}

} // namespace

TEST_CASE("initramfs_members_of: every archive's names, data skipped", "[system][initramfs]") {
    const auto image =
        archive({{"kernel/x86/microcode/GenuineIntel.bin", "abc"}}) +
        archive({{"init", "#!/bin/sh\n"},
                 {"usr/lib/modules/6.1.0-50-amd64/kernel/drivers/net/netconsole.ko", "x"}});
    CHECK(ncs::initramfs_members_of(image) ==
          std::vector<std::string>{"kernel/x86/microcode/GenuineIntel.bin", "init",
                                   "usr/lib/modules/6.1.0-50-amd64/kernel/drivers/net/"
                                   "netconsole.ko"});
}

TEST_CASE("initramfs_members_of: a truncated archive, an unknown compression",
          "[system][initramfs]") {
    const auto whole = archive({{"init", "#!/bin/sh\n"}});
    CHECK_THROWS_AS(ncs::initramfs_members_of(whole.substr(0, 60)), ncs::OperationError);
    CHECK_THROWS_AS(ncs::initramfs_members_of(whole.substr(0, whole.find("TRAILER"))),
                    ncs::OperationError);
    // xz's magic after the early archive: named, not guessed at
    CHECK_THROWS_AS(ncs::initramfs_members_of(whole + "\xfd" "7zXZ"), ncs::OperationError);
    CHECK_THROWS_AS(ncs::initramfs_members_of("070701zzzzzzzz" + std::string(96, '0')),
                    ncs::OperationError);
    CHECK(ncs::initramfs_members_of("").empty());
}
