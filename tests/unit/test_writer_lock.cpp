// lib/system/writer_lock.cpp: the writers' flock(2) on a real temporary root. Two
// holders are two open file descriptions (flock is per description), or a forked
// process.
#include "system/writer_lock.hpp"

#include "model/errors.hpp"
#include "system/atomic_file.hpp"
#include "temp_tree.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>

using ncs::LockHolder;
using ncs::OperationError;
using ncs::Root;
using ncs::UniqueFd;
using ncs::WriterLock;
using ncs::k_writer_lock_path;
using ncs::test::TempTree;
using namespace std::chrono_literals;

namespace {

/// Whether the lock is free, tried through a file description of its own.
bool lock_is_free(const Root& root) {
    const UniqueFd fd = root.open(k_writer_lock_path, O_RDWR);
    REQUIRE(fd);
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) {
        return true; // closing fd lets go again
    }
    REQUIRE(errno == EWOULDBLOCK);
    return false;
}

std::string lock_text(const Root& root) {
    return ncs::read_optional_file(root, k_writer_lock_path).value_or("<absent>");
}

std::string timeout_message(const Root& root, std::chrono::milliseconds wait) {
    try {
        const WriterLock lock(root, wait);
    } catch (const OperationError& e) {
        return e.what();
    }
    return "no error";
}

/// A child process that holds root's lock until the returned pipe is closed (or
/// hold passes); it says so on the pipe first.
struct Child {
    pid_t pid = -1;
    UniqueFd release; ///< closing it lets the child go
};

Child child_holding(const Root& root, std::chrono::milliseconds hold = 60s) {
    int ready[2];
    int release[2];
    REQUIRE(::pipe(ready) == 0);
    REQUIRE(::pipe(release) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(ready[0]);
        ::close(release[1]);
        {
            const WriterLock lock(root, 1s);
            char c = 'y';
            [[maybe_unused]] auto n = ::write(ready[1], &c, 1);
            struct timeval tv {
                static_cast<time_t>(hold.count() / 1000),
                    static_cast<suseconds_t>((hold.count() % 1000) * 1000)
            };
            fd_set set;
            FD_ZERO(&set);
            FD_SET(release[0], &set);
            ::select(release[0] + 1, &set, nullptr, nullptr, &tv);
        }
        ::_exit(0);
    }
    ::close(ready[1]);
    ::close(release[0]);
    char c = 0;
    REQUIRE(::read(ready[0], &c, 1) == 1);
    ::close(ready[0]);
    return {pid, UniqueFd(release[1])};
}

void reap(Child& child) {
    child.release = UniqueFd();
    int status = 0;
    REQUIRE(::waitpid(child.pid, &status, 0) == child.pid);
    CHECK(WIFEXITED(status));
}

} // namespace

TEST_CASE("the holder's pid and arguments round-trip through the lock file's text",
          "[writer_lock]") {
    const LockHolder holder{4242, "apply --config /etc/netconsole-setup.conf"};
    CHECK(ncs::lock_holder_text(holder) == "4242\napply --config /etc/netconsole-setup.conf\n");
    CHECK(ncs::parse_lock_holder(ncs::lock_holder_text(holder)) == holder);
    CHECK(ncs::parse_lock_holder("17\n") == LockHolder{17, ""});
    CHECK_FALSE(ncs::parse_lock_holder(""));
    CHECK_FALSE(ncs::parse_lock_holder("0\nx\n"));
    CHECK_FALSE(ncs::parse_lock_holder("-3\nx\n"));
    CHECK_FALSE(ncs::parse_lock_holder("12a\nx\n"));
}

TEST_CASE("a holder creates the lock file under the root, names itself, and clears it",
          "[writer_lock]") {
    TempTree tree;
    const Root root(tree.dir());
    {
        const WriterLock lock(root);
        struct stat st {};
        REQUIRE(::stat(tree.path("/run/netconsole-setup").c_str(), &st) == 0);
        CHECK((st.st_mode & 07777) == 0755);
        const auto holder = ncs::parse_lock_holder(lock_text(root));
        REQUIRE(holder);
        CHECK(holder->pid == ::getpid());
        CHECK_FALSE(lock_is_free(root));
    }
    CHECK(lock_text(root).empty());
    CHECK(lock_is_free(root));
}

TEST_CASE("nested holds in one thread share the lock until the outermost goes",
          "[writer_lock]") {
    TempTree tree;
    const Root root(tree.dir());
    std::optional<WriterLock> outer(std::in_place, root);
    {
        const WriterLock inner(root, 0ms); // no wait: taken again at once
        CHECK_FALSE(lock_is_free(root));
    }
    CHECK_FALSE(lock_is_free(root)); // the inner hold did not let go
    auto moved = std::move(*outer);
    outer.reset(); // a moved-from hold lets go of nothing
    CHECK_FALSE(lock_is_free(root));
    {
        [[maybe_unused]] const auto gone = std::move(moved);
    }
    CHECK(lock_is_free(root));
}

TEST_CASE("a second holder waits with a bound and names the process that holds it",
          "[writer_lock]") {
    TempTree tree;
    const Root root(tree.dir());
    auto child = child_holding(root);
    const auto started = std::chrono::steady_clock::now();
    const auto message = timeout_message(root, 300ms);
    const auto waited = std::chrono::steady_clock::now() - started;
    CHECK(waited >= 300ms);
    CHECK(waited < 5s);
    // The child is this test program: its arguments are the unit runner's.
    const auto holder = ncs::parse_lock_holder(lock_text(root));
    REQUIRE(holder);
    CHECK(holder->pid == child.pid);
    CHECK(message == "another netconsole-setup (pid " + std::to_string(child.pid) +
                         (holder->command.empty() ? "" : ": " + holder->command) +
                         ") holds the lock on " + root.path(k_writer_lock_path).string() +
                         " for more than 300 ms");
    reap(child);
    const WriterLock lock(root, 0ms); // free once the holder is gone
    CHECK(ncs::parse_lock_holder(lock_text(root))->pid == ::getpid());
}

TEST_CASE("a waiter gets the lock as soon as the holder lets go", "[writer_lock]") {
    TempTree tree;
    const Root root(tree.dir());
    auto child = child_holding(root, 200ms);
    const auto started = std::chrono::steady_clock::now();
    {
        const WriterLock lock(root, 10s);
        CHECK(std::chrono::steady_clock::now() - started < 5s);
        CHECK(ncs::parse_lock_holder(lock_text(root))->pid == ::getpid());
    }
    reap(child);
}

TEST_CASE("a lock held by a process that names nobody is 'another process'",
          "[writer_lock]") {
    TempTree tree;
    const Root root(tree.dir());
    { const WriterLock create(root); }
    // Another open file description, as flock(1) would hold it.
    const UniqueFd other = root.open(k_writer_lock_path, O_RDWR);
    REQUIRE(::flock(other.get(), LOCK_EX | LOCK_NB) == 0);
    CHECK(timeout_message(root, 50ms) ==
          "another process holds the lock on " + root.path(k_writer_lock_path).string() +
              " for more than 50 ms");
}
