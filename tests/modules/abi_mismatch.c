// SPDX-License-Identifier: GPL-3.0-or-later
// A module built for another ABI version: the loader must refuse it.
#include <kdive/module.h>

static struct kd_error *run(struct kd_session *s, const struct kd_args *a)
{
	return NULL;
}

static const struct kd_command commands[] = {
	{ .name = "future", .summary = "from the future", .run = run },
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI + 1,
	.struct_size = sizeof(struct kd_module),
	.name = "abi_mismatch",
	.commands = commands,
};
