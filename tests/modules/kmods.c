// SPDX-License-Identifier: GPL-3.0-or-later
// A test module that lists the dump's loaded kernel modules through the
// public module API (kd_kmodules_load, kd_kmodule_count, kd_kmodule_get),
// one "name size base nsyms" line each in list order, as /proc/modules
// orders them.  It declares KD_CMD_USES_MODULES, so the dispatcher has
// loaded them before run(); tests/real/t3001 compares with the guest.
#include <inttypes.h>

#include <kdive/module.h>
#include <kdive/symbols.h>

static struct kd_error *kmods_run(struct kd_session *s, const struct kd_args *args)
{
	(void)args;
	// Loaded already: this returns the load's result (a copy of its error).
	struct kd_error *err = kd_kmodules_load(s);
	for (size_t i = 0; i < kd_kmodule_count(s); i++) {
		const struct kd_kmodule *m = kd_kmodule_get(s, i);
		kd_printf(s, "%s %" PRIu64 " 0x%016" PRIx64 " %zu\n", m->name, m->size, m->base, m->nsyms);
	}
	if (!err && kd_kmodule_get(s, kd_kmodule_count(s)))
		err = kd_error_create(KD_ERR_CORRUPT, "kd_kmodule_get past the end is not NULL");
	return err;
}

static const struct kd_command commands[2] = {
	{ .name = "kmods", .summary = "list the loaded kernel modules (test)", .synopsis = "",
	  .help = "A test command.", .flags = KD_CMD_NEEDS_DUMP | KD_CMD_USES_MODULES, .run = kmods_run },
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "kmods",
	.version = "1",
	.commands = commands,
};
