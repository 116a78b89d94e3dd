// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the VMA layer (shell/core/vma.c, <kdive/vma.h>) over
// arbitrary memory.  The input is the kernel memory at TASKS_BASE of a
// synthetic ELF vmcore (fuzz_dump.h); an mm_struct sits at its start.  The
// first input byte picks the container the tiny BTF made here shows: the
// rbtree mm_rb through vm_area_struct.vm_rb (before 6.1), or the vm_next
// list from mm_struct.mmap (older kernels); the maple tree is the walk
// layer's and has its own target (fuzz_walk).  kd_vma_foreach must end
// without a memory error, within its bounds, whatever the bytes say, and
// hand out only VMAs in increasing, non-overlapping address order.
// Seed: seeds/vma/.
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kdive/vma.h>

#include "core/session_priv.h"
#include "fuzz.h"
#include "fuzz_dump.h"

static const char vmcoreinfo[] = FUZZ_DUMP_VMCOREINFO "SYMBOL(_stext)=ffffffff81000000\n";

// struct vm_area_struct (vm_start 0, vm_end 8, vm_next 16, vm_rb 24..47,
// vm_flags 48, vm_pgoff 56, vm_file 64, anon_vma 72; 80 bytes) and struct
// mm_struct (the rbtree mm_rb at 0, or the list head mmap at 0).
static void *tiny_btf(bool list, size_t *size_ret)
{
	struct btf *b = btf__new_empty();
	if (!b)
		return NULL;
	// Fields attach to the struct added last: every pointer type first.
	int u64 = btf__add_int(b, "long unsigned int", 8, 0);
	int voidp = btf__add_ptr(b, 0);
	int rbn = btf__add_struct(b, "rb_node", 24);
	btf__add_field(b, "__rb_parent_color", u64, 0, 0);
	btf__add_field(b, "rb_right", voidp, 64, 0);
	btf__add_field(b, "rb_left", voidp, 128, 0);
	int rbr = btf__add_struct(b, "rb_root", 8);
	btf__add_field(b, "rb_node", voidp, 0, 0);
	btf__add_struct(b, "vm_area_struct", 80);
	btf__add_field(b, "vm_start", u64, 0, 0);
	btf__add_field(b, "vm_end", u64, 64, 0);
	btf__add_field(b, "vm_next", voidp, 128, 0);
	btf__add_field(b, "vm_rb", rbn, 192, 0);
	btf__add_field(b, "vm_flags", u64, 384, 0);
	btf__add_field(b, "vm_pgoff", u64, 448, 0);
	btf__add_field(b, "vm_file", voidp, 512, 0);
	btf__add_field(b, "anon_vma", voidp, 576, 0);
	btf__add_struct(b, "mm_struct", 64);
	if (list)
		btf__add_field(b, "mmap", voidp, 0, 0);
	else
		btf__add_field(b, "mm_rb", rbr, 0, 0);
	uint32_t size;
	const void *raw = btf__raw_data(b, &size);
	void *copy = raw ? malloc(size) : NULL;
	if (copy) {
		memcpy(copy, raw, size);
		*size_ret = size;
	}
	btf__free(b);
	return copy;
}

struct seen {
	uint64_t last_end;
	unsigned n;
};

static int each(struct kd_session *s, const struct kd_vma *v, void *arg)
{
	(void)s;
	struct seen *w = arg;
	if (v->end <= v->start || v->start < w->last_end)
		abort(); // the layer promised increasing, non-overlapping ranges
	w->last_end = v->end;
	w->n++;
	if (getenv("KDIVE_FUZZ_VMA_SHOW"))
		printf("vma %llx %llx-%llx flags %llx\n", (unsigned long long)v->addr, (unsigned long long)v->start,
		       (unsigned long long)v->end, (unsigned long long)v->flags);
	return 0;
}

static void lost(struct kd_session *s, uint64_t addr, const struct kd_error *why, void *arg)
{
	(void)s;
	(void)arg;
	if (getenv("KDIVE_FUZZ_VMA_SHOW"))
		printf("lost %llx: %s\n", (unsigned long long)addr, why->msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	static char btf_path[2][64];
	if (!devnull) {
		for (int i = 0; i < 2; i++) {
			size_t bsize;
			void *btf = tiny_btf(i == 1, &bsize);
			if (!btf || fuzz_memfd("kdive-fuzz-vma-btf", btf, bsize, btf_path[i]) < 0)
				abort();
			free(btf);
		}
		if (!(devnull = fopen("/dev/null", "w")))
			abort();
	}
	if (size < 1)
		return 0;
	char path[64];
	int fd = fuzz_dump(vmcoreinfo, data + 1, size - 1, path);
	if (fd < 0)
		return 0;
	FILE *saved = stderr;
	stderr = devnull;
	struct kd_session_opts opts = { .btf = btf_path[data[0] & 1] };
	struct kd_session *s;
	struct kd_error *err = kd_session_create(path, &opts, &s);
	if (!err) {
		s->out = devnull;
		struct seen w = { 0 };
		size_t count = 0;
		err = kd_vma_foreach(s, TASKS_BASE, each, lost, &w, &count);
		if (getenv("KDIVE_FUZZ_VMA_SHOW"))
			printf("vmas %u (count %zu)%s%s\n", w.n, count, err ? ": " : "", err ? err->msg : "");
		if (count != w.n)
			abort();
		kd_error_destroy(err);
		kd_session_destroy(s);
	} else {
		kd_error_destroy(err);
	}
	stderr = saved;
	close(fd);
	return 0;
}
