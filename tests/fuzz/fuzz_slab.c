// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the slab and vmalloc walks over arbitrary memory.  The input
// is the kernel memory at TASKS_BASE of a synthetic ELF vmcore (fuzz_dump.h)
// laid out as fuzz_slab.h says: slab_caches, a kmem_cache with its per-CPU
// and node structures, mem_section and struct pages, three slabs with
// hardened freelists, a vmalloc area.  kmem -s, -S (text and JSON), kmem
// ADDR and kmem -v (commands/kmem_slab.c and kmem_vmalloc.c, compiled in)
// run on it: every walk must end, within a bound, whatever the lists,
// freelists, counters and sections say.  Seed: slab.in (mkseeds_mem).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kdive/types.h>

#include "core/session_priv.h"
#include "fuzz.h"
#include "fuzz_dump.h"
#include "fuzz_slab.h"

#include "../../commands/kmem_slab.c"
#include "../../commands/kmem_vmalloc.c"

static const char vmcoreinfo[] = FUZZ_DUMP_VMCOREINFO "SYMBOL(_stext)=ffffffff81000000\n" FUZZ_SLAB_VMCOREINFO;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	static char btf_path[64], map_path[64];
	if (!devnull) {
		size_t bsize;
		void *btf = fuzz_slab_btf(&bsize);
		if (!btf || fuzz_memfd("kdive-fuzz-btf", btf, bsize, btf_path) < 0 ||
		    fuzz_memfd("kdive-fuzz-map", FUZZ_SLAB_MAP, strlen(FUZZ_SLAB_MAP), map_path) < 0 ||
		    !(devnull = fopen("/dev/null", "w")))
			abort();
		free(btf);
	}
	char path[64];
	int fd = fuzz_dump(vmcoreinfo, data, size, path);
	if (fd < 0)
		return 0;
	FILE *saved = stderr;
	bool show = getenv("KDIVE_FUZZ_SLAB_SHOW") != NULL; // KDIVE_FUZZ_SLAB_SHOW=1: print (check a seed by eye)
	if (!show)
		stderr = devnull;
	struct kd_session_opts opts = { .btf = btf_path, .system_map = map_path };
	struct kd_session *s;
	struct kd_error *err = kd_session_create(path, &opts, &s);
	if (err) {
		kd_error_destroy(err);
		stderr = saved;
		close(fd);
		return 0;
	}
	err = kd_symbols_load(s);
	if (!err)
		err = kd_types_load(s);
	if (!err) {
		s->out = show ? stdout : devnull;
		bool found;
		for (int json = 0; json < 2; json++) {
			s->json = json;
			s->json_depth = 0;
			kd_error_destroy(kmem_slab_show(s, NULL, false));
			s->json_depth = 0;
			kd_error_destroy(kmem_slab_show(s, "kmalloc-64", true));
			s->json_depth = 0;
			kd_error_destroy(kmem_slab_addr(s, SL_DIRECT + ((uint64_t)SL_PFN0 << 12) + SL_SLAB0 + 0xc8, &found));
			s->json_depth = 0;
			kd_error_destroy(kmem_slab_addr(s, SL_DIRECT + ((uint64_t)SL_PFN0 << 12) + SL_SLAB0 + 0x10c0, &found));
			s->json_depth = 0;
			kd_error_destroy(kmem_vmalloc_show(s));
			s->json_depth = 0;
			kd_error_destroy(kmem_vmalloc_addr(s, 0xffffc90000001000ull, &found));
			if (show)
				kd_printf(s, "\n");
		}
		s->json = false;
	}
	kd_error_destroy(err);
	kd_session_destroy(s);
	stderr = saved;
	close(fd);
	return 0;
}
