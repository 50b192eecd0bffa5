// SPDX-License-Identifier: GPL-2.0
// ncs_oops: an oops on demand, for the vm tier's crash case (issue 19).
// Writing to /proc/ncs_oops dereferences NULL in the writer's process context:
// the kernel oopses and kills the writer, or panics with panic_on_oops=1. No
// lock is held across the write, so a second write oopses again. Built against
// Debian's linux-headers of the booted kernel (tests/vm/fetch-headers.sh).
#include <linux/module.h>
#include <linux/proc_fs.h>

static ssize_t ncs_oops_write(struct file *file, const char __user *data, size_t size,
			      loff_t *pos)
{
	char text[16] = "";
	int *volatile nowhere = NULL;

	if (copy_from_user(text, data, min(size, sizeof(text) - 1)))
		return -EFAULT;
	pr_emerg("ncs_oops: oops requested (%s)\n", strim(text));
	return *nowhere;
}

static const struct proc_ops ncs_oops_ops = {
	.proc_write = ncs_oops_write,
};

static int __init ncs_oops_init(void)
{
	return proc_create("ncs_oops", 0200, NULL, &ncs_oops_ops) ? 0 : -ENOMEM;
}

static void __exit ncs_oops_exit(void)
{
	remove_proc_entry("ncs_oops", NULL);
}

module_init(ncs_oops_init);
module_exit(ncs_oops_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("An oops on demand (netconsole-setup's vm tier)");
