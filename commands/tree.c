// SPDX-License-Identifier: GPL-3.0-or-later
// tree: the entries of a kernel tree, as crash's `tree` command shows them:
// a red-black tree (struct rb_root / rb_root_cached, include/linux/rbtree.h)
// in order, an xarray or radix tree (struct xarray, include/linux/xarray.h),
// an IDR (struct idr, include/linux/idr.h) or a maple tree (struct
// maple_tree, include/linux/maple_tree.h) by index.  One entry address per
// line (for an rbtree the containing object: the rb_node minus -o's
// offset), with -p its position, with -s the entry as a struct.  The walks
// are the core's (<kdive/walk.h>): an unreadable node is named on stderr,
// the rest is shown and the command fails.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/module.h>
#include <kdive/print.h>
#include <kdive/types.h>
#include <kdive/walk.h>

enum { TO_T, TO_N, TO_O, TO_R, TO_S, TO_P, TO_JSON, TO_NOPT };
static const struct kd_option tree_opts[] = {
	[TO_T] = { "t", KD_ARG_STRING, "TYPE", "rbtree, radix, xarray, maple or idr (required)" },
	[TO_N] = { "N", KD_ARG_NONE, NULL, "start is a node (rb_node, xa_node, maple enode), not the root" },
	[TO_O] = { "o", KD_ARG_STRING, "OFFSET", "rbtree: offset of the rb_node in each entry: a number or struct.member" },
	[TO_R] = { "r", KD_ARG_STRING, "OFFSET", "offset of the root in the object at start: a number or struct.member" },
	[TO_S] = { "s", KD_ARG_TYPE, "STRUCT[.MEMBER,...]", "print each entry as this struct (or these members)" },
	[TO_P] = { "p", KD_ARG_NONE, NULL, "print each entry's position (and index) in the tree" },
	[TO_JSON] = KD_OPTION_JSON,
	[TO_NOPT] = { NULL },
};

enum tree_kind { TK_RBTREE, TK_XARRAY, TK_MAPLE, TK_IDR };

struct tree_state {
	enum tree_kind kind;
	uint64_t offset;
	bool pos, json;
	struct kd_member_spec sp;
	struct kd_error *err; // from printing an entry
};

static int tree_each(struct kd_session *s, const struct kd_walk_item *it, void *arg)
{
	struct tree_state *t = arg;
	uint64_t entry = t->kind == TK_RBTREE ? it->addr - t->offset : it->addr;
	if (t->json) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "address", entry);
		if (t->kind == TK_XARRAY || t->kind == TK_IDR) {
			kd_json_u64(s, "index", it->first);
			if (it->last != it->first)
				kd_json_u64(s, "last", it->last);
		} else if (t->kind == TK_MAPLE) {
			kd_json_hex(s, "first", it->first);
			kd_json_hex(s, "last", it->last);
		}
		if (t->pos && it->path)
			kd_json_string(s, "position", it->path);
	} else {
		kd_printf(s, "%016" PRIx64 "\n", entry);
		if (t->pos) {
			if (t->kind == TK_RBTREE)
				kd_printf(s, "  position: %s\n", it->path);
			else if (t->kind == TK_MAPLE)
				kd_printf(s, "  range: %016" PRIx64 "-%016" PRIx64 "  position: %s\n", it->first,
					  it->last, it->path);
			else
				kd_printf(s, "  index: %" PRIu64 "  position: %s\n", it->first, it->path);
		}
	}
	if (t->sp.type) {
		if (t->json)
			kd_json_begin_array(s, "object");
		struct kd_error *err = kd_print_object(s, t->sp.type, entry, t->sp.members, t->sp.nmembers);
		if (t->json)
			kd_json_end_array(s);
		if (err) {
			// Named once; the walk goes on and the command fails at the end.
			kd_warn(s, "%s", err->msg);
			if (!t->err)
				t->err = err;
			else
				kd_error_destroy(err);
		}
	}
	if (t->json)
		kd_json_end_object(s);
	return 0;
}

static struct kd_error *parse_offset(struct kd_session *s, const char *o, uint64_t *ret)
{
	const char *dot = strchr(o, '.');
	if (!dot)
		return kd_parse_u64(o, false, ret);
	char *type = strndup(o, (size_t)(dot - o));
	if (!type)
		return &kd_enomem;
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, type, dot + 1, &m);
	free(type);
	if (!err)
		*ret = m.offset;
	return err;
}

static struct kd_error *tree_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	struct kd_error *err = NULL;
	if (args->argc != 2)
		return kd_error_create(KD_ERR_USAGE, "expected one start address");
	if (!v[TO_T].count)
		return kd_error_create(KD_ERR_USAGE, "-t TYPE is required (rbtree, radix, xarray, maple, idr)");
	struct tree_state t = { .pos = v[TO_P].count > 0, .json = kd_json_mode(s) };
	const char *ty = v[TO_T].arg;
	if (!strcmp(ty, "rbtree"))
		t.kind = TK_RBTREE;
	else if (!strcmp(ty, "radix") || !strcmp(ty, "xarray"))
		t.kind = TK_XARRAY;
	else if (!strcmp(ty, "maple"))
		t.kind = TK_MAPLE;
	else if (!strcmp(ty, "idr"))
		t.kind = TK_IDR;
	else
		return kd_error_create(KD_ERR_USAGE, "unknown tree type '%s' (rbtree, radix, xarray, maple, idr)", ty);
	if (!kd_types_available(s))
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "no types: the dump's BTF was not found (use --btf FILE or --vmlinux FILE)");
	if (v[TO_O].count && t.kind != TK_RBTREE)
		return kd_error_create(KD_ERR_USAGE, "-o applies to -t rbtree only");
	if (v[TO_N].count && t.kind == TK_IDR)
		return kd_error_create(KD_ERR_USAGE, "-N does not apply to -t idr (use -t xarray -N)");
	uint64_t start, roff = 0;
	if ((err = kd_parse_address(s, args->argv[1], &start)) ||
	    (v[TO_O].count && (err = parse_offset(s, v[TO_O].arg, &t.offset))) ||
	    (v[TO_R].count && (err = parse_offset(s, v[TO_R].arg, &roff))))
		return err;
	if (v[TO_S].count && (err = kd_member_spec_init(s, &t.sp, "struct", v[TO_S].arg)))
		goto out;
	struct kd_walk w = {
		.fn = tree_each, .arg = &t,
		.flags = (t.pos ? KD_WALK_PATH : 0) | (v[TO_N].count ? KD_WALK_START_NODE : 0),
	};
	if (t.json)
		kd_json_begin_array(s, NULL);
	uint64_t root = start + roff;
	switch (t.kind) {
	case TK_RBTREE: err = kd_walk_rbtree(s, root, &w); break;
	case TK_XARRAY: err = kd_walk_xarray(s, root, &w); break;
	case TK_MAPLE: err = kd_walk_maple(s, root, &w); break;
	case TK_IDR: err = kd_walk_idr(s, root, &w); break;
	}
	if (t.json)
		kd_json_end_array(s);
	if (!err && t.err) {
		err = t.err;
		t.err = NULL;
	}
out:
	kd_error_destroy(t.err);
	kd_member_spec_deinit(&t.sp);
	return err;
}

static const struct kd_command commands[2] = { {
	.name = "tree",
	.summary = "walk a red-black tree, xarray, radix tree, IDR or maple tree",
	.synopsis = "-t rbtree|radix|xarray|maple|idr [-N] [-o offset] [-r offset] [-s struct[.member,...]] [-p] start",
	.help = "Print the address of each entry of the tree at start, in order:\n"
		"  -t rbtree   a struct rb_root or rb_root_cached, in order; each entry is\n"
		"              the rb_node minus -o's offset (0 by default);\n"
		"  -t radix    a radix tree, which is an xarray since Linux 4.20;\n"
		"  -t xarray   a struct xarray: the present entries by index;\n"
		"  -t idr      a struct idr: the entries by id (idr_base added);\n"
		"  -t maple    a struct maple_tree: the entries by index range\n"
		"              (an mm's mm_mt holds its VMAs, Linux 6.1 and later).\n"
		"-r gives the offset of the root inside the object at start, -N says that\n"
		"start is a node (an rb_node, an xa_node, or an encoded maple node\n"
		"pointer) instead of a root.  -p adds each entry's position below it:\n"
		"\"root/l/r\" for an rbtree, the slot numbers from the root for the\n"
		"others, with the index (xarray, idr) or the range (maple).  -s prints\n"
		"each entry as that struct, or only the given members.  Layouts come\n"
		"from the dump's BTF.  A node that cannot be read is named on stderr,\n"
		"the rest is printed and the command fails.\n\n"
		"EXAMPLES\n"
		"  kdive> tree -t rbtree -o vmap_area.rb_node vmap_area_root\n"
		"  kdive> tree -t idr -p -r pid_namespace.idr init_pid_ns\n"
		"  kdive> tree -t maple -r mm_struct.mm_mt -s vm_area_struct.vm_start,vm_end ffff8c1ec2345600\n"
		"  kdive> tree -t xarray -p ffff8c1ec1a3b2c8",
	.options = tree_opts,
	.operand = KD_ARG_ADDR,
	.flags = KD_CMD_NEEDS_DUMP | KD_CMD_USES_SYMBOLS | KD_CMD_NEEDS_TYPES | KD_CMD_USES_MODULES,
	.run = tree_run,
}, { NULL } };

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "tree",
	.version = "1",
	.commands = commands,
};
