// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the kernel-module list walk (shell/core/kmodules.c) over
// arbitrary memory.  The input is the kernel memory at TASKS_BASE of a
// synthetic ELF vmcore (fuzz_dump.h); struct module, module_layout and
// mod_kallsyms come from the tiny BTF (fuzz_btf.h, given as --btf), the
// `modules` list head from a one-line System.map at TASKS_BASE + MODS_HEAD.
// The walk goes forwards, then backwards past a lost link; each module's
// name, core layout and kallsyms (symtab, strtab, typetab) are read and its
// symbols join the symbol table.  Every walk must end, within a bound linear
// in what it can see, and what was read must be consistent: the modules are
// listed, their symbols found by name and by address.
// Seed: kmodules.in (mkseeds_mem).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kdive/symbols.h>

#include "core/options.h"
#include "core/session_priv.h"
#include "fuzz.h"
#include "fuzz_btf.h"
#include "fuzz_dump.h"

static const char vmcoreinfo[] = FUZZ_DUMP_VMCOREINFO "SYMBOL(_stext)=ffffffff81000000\n";

static bool show; // KDIVE_FUZZ_KMODULES_SHOW=1 prints the walk (to check a seed by eye)

static int sym_cb(const struct kd_symbol *sym, void *arg)
{
	unsigned long *n = arg;
	++*n;
	if (show)
		printf("  %016llx %c %s [%s]\n", (unsigned long long)sym->address, sym->type, sym->name,
		       sym->module ? sym->module : "");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	static char btf_path[64], map_path[64];
	if (!devnull) {
		fuzz_btf_and_map("modules", TASKS_BASE + MODS_HEAD, btf_path, map_path);
		if (!(devnull = fopen("/dev/null", "w")))
			abort();
	}
	char path[64];
	int fd = fuzz_dump(vmcoreinfo, data, size, path);
	if (fd < 0)
		return 0;
	show = getenv("KDIVE_FUZZ_KMODULES_SHOW");
	FILE *saved = stderr;
	stderr = devnull;
	struct kd_session_opts opts = { .btf = btf_path, .system_map = map_path };
	struct kd_session *s;
	struct kd_error *err = kd_session_create(path, &opts, &s);
	if (!err) {
		err = kd_kmodules_load(s);
		if (show)
			printf("load: %s\n", err ? err->msg : "ok");
		kd_error_destroy(err);
		// A second load keeps the first one's result.
		kd_error_destroy(kd_kmodules_load(s));
		for (size_t i = 0; i < kd_kmodule_count(s); i++) {
			const struct kd_kmodule *m = kd_kmodule_get(s, i);
			if (!m || !m->name)
				abort();
			if (show)
				printf("%s at %016llx: %016llx+%llx, %zu symbols\n", m->name,
				       (unsigned long long)m->address, (unsigned long long)m->base,
				       (unsigned long long)m->size, m->nsyms);
			unsigned long n = 0;
			kd_error_destroy(kd_symbol_foreach_module(s, m->name, sym_cb, &n));
			struct kd_symbol sym;
			uint64_t off;
			kd_error_destroy(kd_symbol_at(s, m->base + 0x10, &sym, &off));
		}
		unsigned long n = 0;
		kd_error_destroy(kd_symbol_foreach(s, KD_SYM_ALL, sym_cb, &n));
		kd_error_destroy(kd_symbol_foreach_module(s, "no-such-module", sym_cb, &n));
		kd_session_destroy(s);
	} else {
		kd_error_destroy(err);
	}
	stderr = saved;
	close(fd);
	return 0;
}
