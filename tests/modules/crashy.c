// SPDX-License-Identifier: GPL-3.0-or-later
// A misbehaving test module: "segv" dereferences a bad pointer, "spin"
// loops without ever checking for Ctrl-C, "deep" overflows the stack.
#include <kdive/module.h>

static struct kd_error *segv_run(struct kd_session *s, const struct kd_args *a)
{
	volatile int *p = (volatile int *)(a->argc > 100 ? (void *)a->argv : (void *)16);
	kd_printf(s, "about to crash\n");
	return *p ? NULL : kd_error_create(KD_ERR_USAGE, "unreachable");
}

static struct kd_error *spin_run(struct kd_session *s, const struct kd_args *a)
{
	volatile unsigned long n = 0;
	kd_printf(s, "spinning\n");
	kd_out(s) ? fflush(kd_out(s)) : 0;
	for (;;)
		n++;
	return NULL;
}

static unsigned long deep(volatile unsigned long n)
{
	volatile char pad[1024];
	pad[0] = (char)n;
	return n ? deep(n + 1) + pad[0] : 0;
}

static struct kd_error *deep_run(struct kd_session *s, const struct kd_args *a)
{
	return deep(1) ? NULL : kd_error_create(KD_ERR_USAGE, "unreachable");
}

static const struct kd_command commands[] = {
	{ .name = "segv", .summary = "crash with SIGSEGV", .run = segv_run },
	{ .name = "spin", .summary = "loop forever, ignoring Ctrl-C", .run = spin_run },
	{ .name = "deep", .summary = "overflow the stack", .run = deep_run },
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "crashy",
	.commands = commands,
};
