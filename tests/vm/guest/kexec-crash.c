// SPDX-License-Identifier: GPL-2.0-or-later
// kexec-crash KERNEL INITRD CMDLINE: load KERNEL and INITRD as the crash
// kernel (what kdump does) with kexec_file_load(2) and KEXEC_FILE_ON_CRASH.
// Debian's kexec(8) links libxenctrl; the vm tier's guest has no libraries,
// so the tier builds this with `gcc -static` instead.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef KEXEC_FILE_ON_CRASH
#define KEXEC_FILE_ON_CRASH 0x00000002
#endif

int main(int argc, char** argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: kexec-crash KERNEL INITRD CMDLINE\n");
        return 2;
    }
    int kernel = open(argv[1], O_RDONLY | O_CLOEXEC);
    int initrd = open(argv[2], O_RDONLY | O_CLOEXEC);
    if (kernel < 0 || initrd < 0) {
        fprintf(stderr, "kexec-crash: open: %s\n", strerror(errno));
        return 1;
    }
    // The length counts the terminating NUL.
    if (syscall(SYS_kexec_file_load, kernel, initrd, strlen(argv[3]) + 1, argv[3],
                KEXEC_FILE_ON_CRASH) != 0) {
        fprintf(stderr, "kexec-crash: kexec_file_load: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
