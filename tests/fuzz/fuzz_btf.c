// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: BTF bytes handed to libbpf through kdive's types layer.  The
// input is written to a memfd given as --btf to a session on a synthetic
// dump (fuzz_dump.h); kd_types_load parses it (btf__parse), indexes names
// and enumerators and checks it against VMCOREINFO; then the lookups that
// struct, p and ps make run: types and members by path, every member and
// enumerator of a few types, type names, completion, variables.  Seed:
// btf.in (mkseeds_mem, libbpf's BTF writer: fuzz_btf.h).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kdive/types.h>

#include "core/session_priv.h"
#include "fuzz.h"
#include "fuzz_dump.h"

static const char vmcoreinfo[] = FUZZ_DUMP_VMCOREINFO
	"SIZE(list_head)=16\nOFFSET(list_head.next)=0\nOFFSET(list_head.prev)=8\n"
	"OFFSET(task_struct.tasks)=16\n";

static int complete_cb(const char *name, void *arg)
{
	size_t *n = arg;
	(void)name;
	return ++*n > 64;
}

static void type_walk(struct kd_session *s, uint32_t id)
{
	struct kd_type_info ti;
	struct kd_error *err = kd_type_get(s, id, &ti);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	free(kd_type_name(s, id, "v"));
	kd_type_strip(s, id);
	for (uint32_t i = 0; i < ti.nmembers && i < 64; i++) {
		struct kd_member_info m;
		if (ti.kind == KD_TYPE_ENUM) {
			const char *name;
			int64_t v;
			err = kd_enum_at(s, id, i, &name, &v);
			if (!err)
				kd_enum_name(s, id, v);
		} else {
			err = kd_type_member_at(s, id, i, &m);
			if (!err) {
				free(kd_type_name(s, m.type, m.name));
				static const unsigned char buf[64];
				uint64_t v;
				kd_error_destroy(kd_member_extract(s, &m, buf, sizeof(buf), &v));
			}
		}
		kd_error_destroy(err);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	static struct kd_session *s;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		return 0;
	FILE *saved = stderr;
	stderr = devnull;
	if (!s) {
		char path[64];
		int fd = fuzz_dump(vmcoreinfo, NULL, 0, path);
		struct kd_error *err = fd < 0 ? &kd_enomem : kd_session_create(path, NULL, &s);
		if (fd >= 0)
			close(fd);
		if (err) {
			kd_error_destroy(err);
			stderr = saved;
			fprintf(stderr, "fuzz_btf: cannot open the synthetic dump\n");
			abort();
		}
		s->out = devnull;
	}
	char path[64];
	int fd = fuzz_memfd("kdive-fuzz-btf", data, size, path);
	if (fd < 0) {
		stderr = saved;
		return 0;
	}
	kd_types_unload(s);
	free((char *)s->opts.btf);
	s->opts.btf = path;
	struct kd_error *err = kd_types_load(s);
	s->opts.btf = NULL;
	close(fd);
	if (err) {
		kd_error_destroy(err);
		stderr = saved;
		return 0;
	}
	static const char *const paths[][2] = {
		{ "task_struct", "pid" },	   { "task_struct", "tasks.next" },
		{ "task_struct", "comm" },	   { "task_struct", "signal" },
		{ "signal_struct", "thread_head" }, { "list_head", "prev" },
		{ "u", "b" },			   { "struct task_struct", "thread_node.prev" },
		{ "task_struct", "comm[3]" },	   { "mm_struct", "pgd" },
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct kd_member_info m;
		uint64_t sz;
		kd_error_destroy(kd_type_member(s, paths[i][0], paths[i][1], &m));
		kd_error_destroy(kd_type_size(s, paths[i][0], &sz));
		uint32_t id;
		if (!(err = kd_type_find(s, paths[i][0], &id)))
			type_walk(s, id);
		kd_error_destroy(err);
	}
	static const char *const names[] = { "int", "unsigned long", "char [16]", "struct list_head *",
					     "pid_t", "enum pid_type", "union u", "u64" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint32_t id;
		if (!(err = kd_type_find(s, names[i], &id)))
			type_walk(s, id);
		kd_error_destroy(err);
	}
	// The first types by id, whatever they are.
	for (uint32_t id = 1; id < 48; id++)
		type_walk(s, id);
	int64_t v;
	kd_error_destroy(kd_enum_value(s, "pid_type", "PIDTYPE_TGID", &v));
	size_t n = 0;
	kd_error_destroy(kd_type_complete(s, "", complete_cb, &n));
	uint32_t id;
	bool inferred;
	kd_error_destroy(kd_symbol_type(s, "init_task", &id, &inferred));
	kd_symbol_is_percpu(s, "runqueues");
	stderr = saved;
	return 0;
}
