// SPDX-License-Identifier: GPL-3.0-or-later
// list: walk a linked list by its next pointers (a struct list_head, or
// any struct with a next pointer at a given offset) and print each entry's
// address, or each entry as a struct (-s, through the core's typed-value
// printer, <kdive/print.h>).  The walk is bounded and stops with an error
// when a node comes back.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/print.h>
#include <kdive/types.h>

enum { LIST_MAX = 1000000 };

static struct kd_error *need_types(struct kd_session *s)
{
	if (kd_types_available(s))
		return NULL;
	return kd_error_create(KD_ERR_UNSUPPORTED,
			       "no types: the dump's BTF was not found (use --btf FILE or --vmlinux FILE)");
}

enum { LO_O, LO_H, LO_S, LO_JSON, LO_NOPT };
static const struct kd_option list_opts[] = {
	[LO_O] = { "o", KD_ARG_STRING, "OFFSET", "offset of the list_head in each entry: a number or struct.member" },
	[LO_H] = { "H", KD_ARG_NONE, NULL, "start is a list head, not an entry (it is not printed)" },
	[LO_S] = { "s", KD_ARG_TYPE, "STRUCT[.MEMBER,...]", "print each entry as this struct (or these members)" },
	[LO_JSON] = KD_OPTION_JSON,
	[LO_NOPT] = { NULL },
};

/* Visited nodes (open addressing on the address). */
struct seen {
	uint64_t *slot;
	size_t cap, n;
};

static bool seen_add(struct seen *h, uint64_t a)
{
	if ((h->n + 1) * 2 > h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 1024;
		uint64_t *n = calloc(cap, sizeof(*n));
		if (!n)
			return false;
		for (size_t i = 0; i < h->cap; i++) {
			if (!h->slot[i])
				continue;
			size_t k = (h->slot[i] * 0x9e3779b97f4a7c15ull >> 20) & (cap - 1);
			while (n[k])
				k = (k + 1) & (cap - 1);
			n[k] = h->slot[i];
		}
		free(h->slot);
		h->slot = n;
		h->cap = cap;
	}
	size_t k = (a * 0x9e3779b97f4a7c15ull >> 20) & (h->cap - 1);
	while (h->slot[k]) {
		if (h->slot[k] == a)
			return false;
		k = (k + 1) & (h->cap - 1);
	}
	h->slot[k] = a;
	h->n++;
	return true;
}

static struct kd_error *list_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	int nargs = args->argc - 1;
	char **argv = args->argv;
	struct kd_error *err = NULL;
	if (nargs != 1)
		return kd_error_create(KD_ERR_USAGE, "expected the start address");
	uint64_t start, offset = 0;
	if ((err = kd_parse_address(s, argv[1], &start)))
		return err;
	if (v[LO_O].count) {
		const char *o = v[LO_O].arg;
		const char *dot = strchr(o, '.');
		if (dot) {
			char *type = strndup(o, (size_t)(dot - o));
			struct kd_member_info m;
			if (!type)
				return &kd_enomem;
			err = kd_type_member(s, type, dot + 1, &m);
			free(type);
			if (err)
				return err;
			offset = m.offset;
		} else if ((err = kd_parse_u64(o, false, &offset))) {
			return err;
		}
	}
	// -s: each entry as this struct (sp.type is 0 without it).
	struct kd_member_spec sp = { 0 };
	if (v[LO_S].count &&
	    ((err = need_types(s)) || (err = kd_member_spec_init(s, &sp, "struct", v[LO_S].arg))))
		goto out_spec;
	bool json = kd_json_mode(s);
	if (json)
		kd_json_begin_array(s, NULL);
	struct seen seen = { 0 };
	// The node addresses: -H starts at head->next and stops at the head;
	// otherwise start is the first entry and the walk stops when it returns.
	uint64_t head = v[LO_H].count ? start : start + offset;
	uint64_t node = head;
	if (v[LO_H].count && (err = kd_read_kernel(s, head, &node, sizeof(node))))
		goto out;
	seen_add(&seen, head);
	for (size_t count = 0;; count++) {
		if (v[LO_H].count && node == head)
			break;
		if (!node) {
			if (count)
				break;
			err = kd_error_create(KD_ERR_FAULT, "list head at 0x%" PRIx64 " has a NULL next", head);
			break;
		}
		if (count >= LIST_MAX) {
			err = kd_error_create(KD_ERR_USAGE, "stopped after %d entries", LIST_MAX);
			break;
		}
		if (count && !seen_add(&seen, node)) {
			if (node == head)
				break;
			err = kd_error_create(KD_ERR_CORRUPT, "the list loops: node 0x%" PRIx64
					      " comes again after %zu entries", node, count);
			break;
		}
		uint64_t entry = node - offset;
		if (json && !sp.type) {
			kd_json_hex(s, NULL, entry);
		} else if (!json) {
			kd_printf(s, "%016" PRIx64 "\n", entry);
		}
		if (sp.type && (err = kd_print_object(s, sp.type, entry, sp.members, sp.nmembers)))
			break;
		if ((err = kd_read_kernel(s, node, &node, sizeof(node)))) {
			err = kd_error_prefix(err, "reading the next pointer of entry %zu (0x%" PRIx64 ")", count + 1, entry);
			break;
		}
		if ((err = kd_check_interrupt(s)))
			break;
	}
out:
	if (json)
		kd_json_end_array(s);
	free(seen.slot);
out_spec:
	kd_member_spec_deinit(&sp);
	return err;
}

static const struct kd_command commands[2] = { {
	.name = "list",
	.summary = "walk a linked list",
	.synopsis = "[-o offset|struct.member] [-H] [-s struct[.member,...]] start",
	.help = "Follow the next pointers of a list (struct list_head, or any struct whose\n"
		"next pointer is at -o's offset) and print each entry's address: the node\n"
		"address minus the offset.  With -H, start is the list's head, which is not\n"
		"printed.  -s prints each entry as that struct, or only the given members.\n"
		"The walk stops at the start, at a NULL pointer, after 1000000 entries, or\n"
		"with an error when a node comes back (a corrupted, looping list).\n\n"
		"EXAMPLES\n"
		"  kdive> list -H modules -o module.list -s module.name\n"
		"  kdive> list -o task_struct.tasks -s task_struct.pid,comm init_task",
	.options = list_opts,
	.operand = KD_ARG_ADDR,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_USES_SYMBOLS | KD_CMD_USES_TYPES |
		 KD_CMD_USES_MODULES,
	.run = list_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "list",
	.version = "1",
	.commands = commands,
};
