// Unified diffs as GNU diff -u writes them (each expectation checked against
// diff -u 3.8 by hand).
#include "persist/unified_diff.hpp"

#include <catch2/catch.hpp>

#include <string>

using ncs::persist::unified_diff;

TEST_CASE("equal texts give no diff", "[unified_diff]") {
    CHECK(unified_diff("a\nb\n", "a\nb\n", "a", "b").empty());
    CHECK(unified_diff("", "", "a", "b").empty());
}

TEST_CASE("a new file is all insertions from line 0", "[unified_diff]") {
    CHECK(unified_diff("", "a\nb\n", "/dev/null", "/etc/x.conf") ==
          "--- /dev/null\n+++ /etc/x.conf\n@@ -0,0 +1,2 @@\n+a\n+b\n");
}

TEST_CASE("a removed file is all deletions", "[unified_diff]") {
    CHECK(unified_diff("a\n", "", "/etc/x.conf", "/dev/null") ==
          "--- /etc/x.conf\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n");
}

TEST_CASE("a changed line shows up to three lines of context", "[unified_diff]") {
    CHECK(unified_diff("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nV\n6\n7\n8\n", "old", "new") ==
          "--- old\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+V\n 6\n 7\n 8\n");
}

TEST_CASE("changes far apart get separate hunks, near ones share one", "[unified_diff]") {
    const std::string old_text = "a\n1\n2\n3\n4\n5\n6\n7\nb\n";
    CHECK(unified_diff(old_text, "A\n1\n2\n3\n4\n5\n6\n7\nB\n", "o", "n") ==
          "--- o\n+++ n\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -6,4 +6,4 @@\n 5\n 6\n 7\n-b\n+B\n");
    CHECK(unified_diff("a\n1\n2\n3\n4\n5\n6\nb\n", "A\n1\n2\n3\n4\n5\n6\nB\n", "o", "n") ==
          "--- o\n+++ n\n@@ -1,8 +1,8 @@\n-a\n+A\n 1\n 2\n 3\n 4\n 5\n 6\n-b\n+B\n");
}

TEST_CASE("an insertion in the middle", "[unified_diff]") {
    CHECK(unified_diff("a\nc\n", "a\nb\nc\n", "o", "n") ==
          "--- o\n+++ n\n@@ -1,2 +1,3 @@\n a\n+b\n c\n");
}

TEST_CASE("a missing newline at the end is marked", "[unified_diff]") {
    CHECK(unified_diff("a\nb", "a\nb\n", "o", "n") ==
          "--- o\n+++ n\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
}
