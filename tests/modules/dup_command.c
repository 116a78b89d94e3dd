// SPDX-License-Identifier: GPL-3.0-or-later
// A module whose command name is already taken by the good module.
#include <kdive/module.h>

static struct kd_error *run(struct kd_session *s, const struct kd_args *a)
{
	return NULL;
}

static const struct kd_command commands[] = {
	{ .name = "hello", .summary = "a second hello", .run = run },
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "dup_command",
	.commands = commands,
};
