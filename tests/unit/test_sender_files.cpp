// lib/system/sender_files.cpp: listen's per-sender files in a real temporary directory:
// whole records, refused symlinks, a failure and a recovery reported once each,
// unwritten records counted, reopened after a move.
#include "system/sender_files.hpp"

#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using ncs::SenderFileEvent;
using ncs::SenderFiles;
using ncs::test::TempTree;

namespace {

std::string contents(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

TEST_CASE("records reach their sender's file, appended, and a move is followed by a new file",
          "[sender_files]") {
    TempTree tree;
    std::vector<SenderFileEvent> events;
    SenderFiles files(tree.dir(), [&](const SenderFileEvent& e) { events.push_back(e); });
    files.add("10.1.0.2", "one\n");
    files.add("10.1.0.3", "other\n");
    files.add("10.1.0.2", "two\nthree\n");
    files.flush();
    CHECK(contents(tree.dir() / "10.1.0.2.log") == "one\ntwo\nthree\n");
    CHECK(contents(tree.dir() / "10.1.0.3.log") == "other\n");
    std::filesystem::rename(tree.dir() / "10.1.0.2.log", tree.dir() / "rotated.log");
    // What is queued at the reopen still goes to the file open then (the moved one).
    files.add("10.1.0.2", "four\n");
    files.reopen();
    files.add("10.1.0.2", "five\n");
    files.flush();
    CHECK(contents(tree.dir() / "rotated.log") == "one\ntwo\nthree\nfour\n");
    CHECK(contents(tree.dir() / "10.1.0.2.log") == "five\n");
    CHECK(events.empty());
    CHECK(files.unwritten() == 0);
}

TEST_CASE("a file that cannot be opened is reported once, its records counted, its recovery "
          "reported with the count",
          "[sender_files]") {
    TempTree tree;
    std::vector<SenderFileEvent> events;
    SenderFiles files(tree.dir(), [&](const SenderFileEvent& e) { events.push_back(e); });
    std::filesystem::create_directory(tree.dir() / "10.1.0.9.log");
    for (int round = 0; round < 3; ++round) {
        files.add("10.1.0.9", "a\n");
        files.add("10.1.0.9", "b\n");
        files.flush();
    }
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == SenderFileEvent::Kind::failed);
    CHECK(events[0].error == EISDIR);
    CHECK(events[0].name == "10.1.0.9");
    CHECK(events[0].path == tree.dir() / "10.1.0.9.log");
    CHECK(files.unwritten() == 6);
    CHECK(files.unwritten_by_name().at("10.1.0.9") == 6);
    // The failing file survives a reopen (SIGHUP), so its recovery is still reported.
    files.reopen();
    std::filesystem::remove(tree.dir() / "10.1.0.9.log");
    files.add("10.1.0.9", "c\n");
    files.flush();
    REQUIRE(events.size() == 2);
    CHECK(events[1].kind == SenderFileEvent::Kind::resumed);
    CHECK(events[1].unwritten == 6);
    CHECK(contents(tree.dir() / "10.1.0.9.log") == "c\n");
    CHECK(files.unwritten() == 6);
}

TEST_CASE("a planted symlink is never followed", "[sender_files]") {
    TempTree tree;
    tree.write("/precious", "precious\n");
    std::filesystem::create_symlink(tree.dir() / "precious", tree.dir() / "10.1.0.4.log");
    std::vector<SenderFileEvent> events;
    SenderFiles files(tree.dir(), [&](const SenderFileEvent& e) { events.push_back(e); });
    files.add("10.1.0.4", "x\n");
    files.flush();
    CHECK(contents(tree.dir() / "precious") == "precious\n");
    REQUIRE(events.size() == 1);
    CHECK(events[0].error == ELOOP);
}

TEST_CASE("unwritten records of senders past the cap add up under 'other'", "[sender_files]") {
    TempTree tree;
    SenderFiles files(tree.dir(), [](const SenderFileEvent&) {}, 512, 2);
    for (const char* name : {"a", "b", "c", "d"}) {
        std::filesystem::create_directory(tree.dir() / (std::string(name) + ".log"));
        files.add(name, "x\n");
    }
    files.flush();
    const auto& by_name = files.unwritten_by_name();
    CHECK(by_name.size() == 3);
    CHECK(by_name.at("other") == 2);
    CHECK(files.unwritten() == 4);
}

TEST_CASE("with more senders than open files, the files are closed and reopened on demand",
          "[sender_files]") {
    TempTree tree;
    SenderFiles files(tree.dir(), [](const SenderFileEvent&) {}, 2);
    for (int round = 0; round < 2; ++round) {
        for (const char* name : {"a", "b", "c"}) {
            files.add(name, std::string(name) + "\n");
        }
        files.flush();
    }
    for (const char* name : {"a", "b", "c"}) {
        CHECK(contents(tree.dir() / (std::string(name) + ".log")) ==
              std::string(name) + "\n" + name + "\n");
    }
}
