// SPDX-License-Identifier: GPL-3.0-or-later
// irq: the interrupt descriptors (struct irq_desc, include/linux/irqdesc.h)
// and their actions (struct irqaction, include/linux/interrupt.h), in
// crash's layout.  The descriptors live where kernel/irq/irqdesc.c puts
// them, chosen by what the dump's symbols show: the sparse-IRQ radix tree
// irq_desc_tree (an xarray, Linux 4.x-6.4), the maple tree sparse_irqs
// (6.5+), or the static irq_desc[] array (!CONFIG_SPARSE_IRQ).
//   -s  per-CPU counts as /proc/interrupts (kernel/irq/proc.c show_interrupts)
//   -a  each IRQ's affinity (irq_common_data.affinity)
//   -b  the softirq vectors (softirq_vec[], kernel/softirq.c)
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "kobj.h"

enum { O_A, O_B, O_S, O_JSON, O_NOPT };
static const struct kd_option irq_opts[] = {
	[O_A] = { "a", KD_ARG_NONE, NULL, "each IRQ's CPU affinity" },
	[O_B] = { "b", KD_ARG_NONE, NULL, "the softirq (bottom half) vectors" },
	[O_S] = { "s", KD_ARG_NONE, NULL, "per-CPU interrupt counts, as /proc/interrupts" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

enum { MAX_ACTIONS = 64, MAX_IRQS = 1 << 16 };

struct desc {
	uint64_t irq, addr;
};

struct collect {
	struct desc *v;
	size_t n, cap;
};

static struct kd_error *add_desc(struct kd_session *s, uint64_t index, uint64_t entry, void *arg)
{
	(void)s;
	struct collect *c = arg;
	if (c->n == MAX_IRQS)
		return kd_error_create(KD_ERR_CORRUPT, "more than %d irq descriptors", MAX_IRQS);
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		struct desc *nv = realloc(c->v, c->cap * sizeof(*nv));
		if (!nv)
			return &kd_enomem;
		c->v = nv;
	}
	c->v[c->n++] = (struct desc){ index, entry };
	return NULL;
}

// Every descriptor with its IRQ number, in IRQ order.
static struct kd_error *collect(struct kd_session *s, struct collect *c)
{
	uint64_t a;
	struct kd_error *err = kd_symbol_address(s, "irq_desc_tree", &a);
	if (!err)
		return ko_xarray(s, a, add_desc, c);
	kd_error_destroy(err);
	if (!(err = kd_symbol_address(s, "sparse_irqs", &a)))
		return ko_maple(s, a, add_desc, c);
	kd_error_destroy(err);
	if ((err = kd_symbol_address(s, "irq_desc", &a)))
		return kd_error_prefix(err, "no irq_desc_tree, sparse_irqs or irq_desc[]");
	uint64_t size;
	if ((err = kd_type_size(s, "irq_desc", &size)))
		return err;
	// The array's length: its symbol's size when known, else nr_irqs.
	struct kd_symbol sym;
	uint64_t n = 0;
	if (!(err = kd_symbol_find(s, "irq_desc", &sym)) && sym.size)
		n = sym.size / size;
	kd_error_destroy(err);
	if (!n) {
		struct ko r = { s, NULL };
		n = ko_u32(&r, ko_sym(&r, "nr_irqs"));
		if (r.err)
			return kd_error_prefix(ko_take(&r), "the length of irq_desc[]");
	}
	for (uint64_t i = 0; i < n && i < MAX_IRQS; i++)
		if ((err = add_desc(s, i, a + i * size, c)))
			return err;
	return NULL;
}

static struct kd_error *string_at(struct kd_session *s, uint64_t addr, char *buf, size_t size)
{
	return ko_string(s, addr, buf, size);
}

struct run {
	struct kd_session *s;
	bool json;
	size_t bad;
	unsigned ncpus;
};

static void bad(struct run *rn, struct kd_error *err, const char *what, uint64_t irq, uint64_t addr)
{
	kd_warn(rn->s, "irq: %s of IRQ %" PRIu64 " at 0x%016" PRIx64 ": %s", what, irq, addr, err->msg);
	kd_error_destroy(err);
	rn->bad++;
}

// The actions' names of a descriptor, joined by ", " into buf; returns the first action.
static uint64_t action_names(struct run *rn, const struct desc *d, char *buf, size_t size, uint64_t *acts,
			     size_t *nacts)
{
	struct ko r = { rn->s, NULL };
	buf[0] = 0;
	*nacts = 0;
	uint64_t act = ko_get(&r, "irq_desc", "action", d->addr), first = act;
	size_t len = 0;
	for (; act && !r.err && *nacts < MAX_ACTIONS; act = ko_get(&r, "irqaction", "next", act)) {
		char nm[64];
		uint64_t name = ko_get(&r, "irqaction", "name", act);
		if (r.err)
			break;
		struct kd_error *err = string_at(rn->s, name, nm, sizeof(nm));
		if (err) {
			bad(rn, err, "an action name", d->irq, act);
			snprintf(nm, sizeof(nm), "?");
		}
		acts[(*nacts)++] = act;
		len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s", len ? ", " : "", nm);
		if (len >= size)
			len = size - 1;
	}
	if (r.err) {
		bad(rn, ko_take(&r), "the actions", d->irq, d->addr);
		*nacts = SIZE_MAX; // unknown, not none
	}
	return first;
}

static void show_plain(struct run *rn, const struct collect *c)
{
	struct kd_session *s = rn->s;
	if (!rn->json)
		kd_printf(s, " IRQ   IRQ_DESC/_DATA      IRQACTION      NAME\n");
	for (size_t i = 0; i < c->n; i++) {
		const struct desc *d = &c->v[i];
		uint64_t acts[MAX_ACTIONS];
		size_t nacts;
		char names[512];
		action_names(rn, d, names, sizeof(names), acts, &nacts);
		if (nacts == SIZE_MAX) {
			if (rn->json) {
				kd_json_begin_object(s, NULL);
				kd_json_u64(s, "irq", d->irq);
				kd_json_hex(s, "irq_desc", d->addr);
				kd_json_bool(s, "incomplete", true);
				kd_json_end_object(s);
			} else {
				kd_printf(s, " %3" PRIu64 "   %016" PRIx64 "  ?\n", d->irq, d->addr);
			}
			continue;
		}
		if (rn->json) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "irq", d->irq);
			kd_json_hex(s, "irq_desc", d->addr);
			kd_json_begin_array(s, "actions");
			struct ko r = { s, NULL };
			for (size_t k = 0; k < nacts; k++) {
				char nm[64] = "";
				uint64_t name = ko_get(&r, "irqaction", "name", acts[k]);
				if (!r.err)
					kd_error_destroy(string_at(s, name, nm, sizeof(nm)));
				kd_error_destroy(ko_take(&r));
				kd_json_begin_object(s, NULL);
				kd_json_hex(s, "irqaction", acts[k]);
				kd_json_string(s, "name", nm);
				kd_json_end_object(s);
			}
			kd_json_end_array(s);
			kd_json_end_object(s);
			continue;
		}
		if (!nacts) {
			kd_printf(s, " %3" PRIu64 "   %016" PRIx64 "  (unused)\n", d->irq, d->addr);
			continue;
		}
		struct ko r = { s, NULL };
		for (size_t k = 0; k < nacts; k++) {
			char nm[64] = "?";
			uint64_t name = ko_get(&r, "irqaction", "name", acts[k]);
			if (!r.err)
				kd_error_destroy(string_at(s, name, nm, sizeof(nm)));
			kd_error_destroy(ko_take(&r));
			if (k == 0)
				kd_printf(s, " %3" PRIu64 "   %016" PRIx64 "  %016" PRIx64 "  \"%s\"\n", d->irq, d->addr, acts[k], nm);
			else
				kd_printf(s, "       %16s  %016" PRIx64 "  \"%s\"\n", "", acts[k], nm);
		}
	}
}

static bool symbol_missing(struct kd_session *s, const char *name, uint64_t *ret)
{
	struct kd_error *err = kd_symbol_address(s, name, ret);
	kd_error_destroy(err);
	return err != NULL;
}

// -s: one line per IRQ as /proc/interrupts prints it.
static void show_stats(struct run *rn, const struct collect *c)
{
	struct kd_session *s = rn->s;
	unsigned ncpus = rn->ncpus;
	int prec = 3;
	for (uint64_t x = c->n ? c->v[c->n - 1].irq : 0; x >= 1000; x /= 10)
		prec++;
	if (!rn->json) {
		kd_printf(s, "%*s", prec + 8, "");
		for (unsigned j = 0; j < ncpus; j++)
			kd_printf(s, "CPU%-8u", j);
		kd_printf(s, "\n");
	}
	uint64_t *off = calloc(ncpus ? ncpus : 1, sizeof(*off));
	if (!off) {
		rn->bad++;
		kd_warn(s, "irq: out of memory");
		return;
	}
	for (unsigned j = 0; j < ncpus; j++) {
		struct kd_error *err = kd_percpu_offset(s, j, &off[j]);
		if (err)
			bad(rn, err, "the per-cpu offset", j, 0);
	}
	// show_interrupts() leaves out IRQ_HIDDEN descriptors (arm64's IPIs,
	// which arch_show_interrupts() prints by name); the flag is in BTF's
	// enum of IRQ_* settings (include/linux/irq.h).
	int64_t hidden = 0;
	kd_error_destroy(kd_enum_value(s, NULL, "IRQ_HIDDEN", &hidden));
	for (size_t i = 0; i < c->n; i++) {
		const struct desc *d = &c->v[i];
		struct ko r = { s, NULL };
		if (hidden > 0 && (ko_get(&r, "irq_desc", "status_use_accessors", d->addr) & (uint64_t)hidden) && !r.err)
			continue;
		kd_error_destroy(ko_take(&r));
		uint64_t kstat = ko_get(&r, "irq_desc", "kstat_irqs", d->addr);
		uint64_t chip = ko_get(&r, "irq_desc", "irq_data.chip", d->addr);
		uint64_t domain = ko_get(&r, "irq_desc", "irq_data.domain", d->addr);
		uint64_t hwirq = ko_get(&r, "irq_desc", "irq_data.hwirq", d->addr);
		uint64_t flow = ko_get(&r, "irq_desc", "name", d->addr);
		uint64_t chipname = chip ? ko_get(&r, "irq_chip", "name", chip) : 0;
		if (r.err) {
			bad(rn, ko_take(&r), "the descriptor", d->irq, d->addr);
			continue;
		}
		uint32_t counts[1024];
		uint64_t any = 0;
		unsigned nc = ncpus < 1024 ? ncpus : 1024;
		for (unsigned j = 0; j < nc; j++) {
			counts[j] = kstat ? ko_u32(&r, kstat + off[j]) : 0;
			if (r.err) {
				bad(rn, ko_take(&r), "a per-cpu count", d->irq, kstat + off[j]);
				counts[j] = 0;
			}
			any |= counts[j];
		}
		uint64_t acts[MAX_ACTIONS];
		size_t nacts;
		char names[512], cn[64] = "", fn[64] = "";
		action_names(rn, d, names, sizeof(names), acts, &nacts);
		if (nacts == SIZE_MAX)
			continue; // named on stderr
		if (!nacts && !any)
			continue; // as show_interrupts skips them
		// ... and a chained handler's (its one action is chained_action,
		// whose handler is bad_chained_irq, kernel/irq/chip.c) without counts.
		uint64_t chained;
		if (!any && nacts == 1 && !symbol_missing(s, "bad_chained_irq", &chained) &&
		    ko_get(&r, "irqaction", "handler", acts[0]) == chained && !r.err)
			continue;
		kd_error_destroy(ko_take(&r));
		kd_error_destroy(string_at(s, chipname, cn, sizeof(cn)));
		kd_error_destroy(string_at(s, flow, fn, sizeof(fn)));
		if (rn->json) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "irq", d->irq);
			kd_json_begin_array(s, "counts");
			for (unsigned j = 0; j < nc; j++)
				kd_json_u64(s, NULL, counts[j]);
			kd_json_end_array(s);
			kd_json_string(s, "chip", chip ? (chipname ? cn : "-") : "None");
			if (domain)
				kd_json_u64(s, "hwirq", hwirq);
			if (flow)
				kd_json_string(s, "flow", fn);
			kd_json_string(s, "actions", names);
			kd_json_end_object(s);
			continue;
		}
		kd_printf(s, "%*" PRIu64 ": ", prec, d->irq);
		for (unsigned j = 0; j < nc; j++)
			kd_printf(s, "%10" PRIu32 " ", counts[j]);
		kd_printf(s, " %8s", chip ? (chipname ? cn : "-") : "None");
		if (domain)
			kd_printf(s, " %*" PRIu64, prec, hwirq);
		else
			kd_printf(s, " %*s", prec, "");
		if (flow)
			kd_printf(s, "-%-8s", fn);
		if (nacts)
			kd_printf(s, "  %s", names);
		kd_printf(s, "\n");
	}
	free(off);
}

// A cpumask as a list of ranges ("0-1,3").
static void mask_list(const uint8_t *bits, unsigned n, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!(bits[i / 8] >> (i % 8) & 1))
			continue;
		unsigned j = i;
		while (j + 1 < n && (bits[(j + 1) / 8] >> ((j + 1) % 8) & 1))
			j++;
		int w = j > i ? snprintf(buf + len, size - len, "%s%u-%u", len ? "," : "", i, j)
			      : snprintf(buf + len, size - len, "%s%u", len ? "," : "", i);
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
		i = j;
	}
}

static void show_affinity(struct run *rn, const struct collect *c)
{
	struct kd_session *s = rn->s;
	struct kd_member_info m;
	struct kd_type_info ti = { 0 };
	struct kd_error *err = kd_type_member(s, "irq_desc", "irq_common_data.affinity", &m);
	if (!err)
		err = kd_type_get(s, kd_type_strip(s, m.type), &ti);
	if (err) {
		bad(rn, err, "the affinity member", 0, 0);
		return;
	}
	bool ptr = ti.kind == KD_TYPE_PTR; // CONFIG_CPUMASK_OFFSTACK
	unsigned ncpus = rn->ncpus;
	if (!rn->json)
		kd_printf(s, " IRQ  NAME                  AFFINITY\n");
	for (size_t i = 0; i < c->n; i++) {
		const struct desc *d = &c->v[i];
		uint64_t acts[MAX_ACTIONS];
		size_t nacts;
		char names[512];
		action_names(rn, d, names, sizeof(names), acts, &nacts);
		if (!nacts || nacts == SIZE_MAX)
			continue;
		struct ko r = { s, NULL };
		uint64_t at = ptr ? ko_get(&r, "irq_desc", "irq_common_data.affinity", d->addr) : d->addr + m.offset;
		uint8_t bits[128] = { 0 };
		unsigned nbytes = (ncpus + 7) / 8;
		if (nbytes > sizeof(bits))
			nbytes = sizeof(bits);
		if (!r.err)
			r.err = kd_read_kernel(s, at, bits, nbytes); // bytes of a little-endian word array
		if (r.err) {
			bad(rn, ko_take(&r), "the affinity", d->irq, at);
			continue;
		}
		if (kd_dump_big_endian(s)) {
			// bits[] holds longs: reverse each 8-byte group to get bit order.
			for (unsigned g = 0; g + 8 <= sizeof(bits); g += 8)
				for (unsigned k = 0; k < 4; k++) {
					uint8_t t = bits[g + k];
					bits[g + k] = bits[g + 7 - k];
					bits[g + 7 - k] = t;
				}
		}
		char list[256];
		mask_list(bits, nbytes * 8 < ncpus ? nbytes * 8 : ncpus, list, sizeof(list));
		if (rn->json) {
			kd_json_begin_object(s, NULL);
			kd_json_u64(s, "irq", d->irq);
			kd_json_string(s, "name", names);
			kd_json_string(s, "affinity", list);
			kd_json_end_object(s);
		} else {
			kd_printf(s, " %3" PRIu64 "  %-20s  %s\n", d->irq, names, list);
		}
	}
}

static struct kd_error *show_softirqs(struct run *rn)
{
	struct kd_session *s = rn->s;
	struct ko r = { s, NULL };
	uint64_t vec = ko_sym(&r, "softirq_vec");
	uint64_t size = ko_size(&r, "softirq_action");
	if (r.err)
		return ko_take(&r);
	int64_t n = 10;
	struct kd_error *err = kd_enum_value(s, NULL, "NR_SOFTIRQS", &n);
	if (err)
		return kd_error_prefix(err, "the number of softirqs");
	if (n <= 0 || n > 64)
		return kd_error_create(KD_ERR_CORRUPT, "NR_SOFTIRQS is %" PRId64, n);
	if (rn->json)
		kd_json_begin_array(s, NULL);
	else
		kd_printf(s, "SOFTIRQ_VEC       ACTION\n");
	for (int64_t i = 0; i < n; i++) {
		uint64_t act = ko_get(&r, "softirq_action", "action", vec + (uint64_t)i * size);
		if (r.err) {
			bad(rn, ko_take(&r), "the softirq vector", (uint64_t)i, vec + (uint64_t)i * size);
			continue;
		}
		char sym[160] = "";
		struct kd_symbol ks;
		uint64_t off;
		struct kd_error *e = act ? kd_symbol_at(s, act, &ks, &off) : NULL;
		if (act && !e)
			snprintf(sym, sizeof(sym), off ? "%s+%" PRIu64 : "%s", ks.name, off);
		kd_error_destroy(e);
		if (rn->json) {
			kd_json_begin_object(s, NULL);
			kd_json_i64(s, "vec", i);
			kd_json_hex(s, "action", act);
			if (*sym)
				kd_json_string(s, "symbol", sym);
			kd_json_end_object(s);
		} else {
			kd_printf(s, "    [%" PRId64 "]  %016" PRIx64 "  <%s>\n", i, act, *sym ? sym : "?");
		}
	}
	if (rn->json)
		kd_json_end_array(s);
	return NULL;
}

static struct kd_error *irq_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	if (args->argc > 1)
		return kd_error_create(KD_ERR_USAGE, "no operands expected");
	if (v[O_A].count + v[O_B].count + v[O_S].count > 1)
		return kd_error_create(KD_ERR_USAGE, "-a, -b and -s exclude each other");
	struct run rn = { s, kd_json_mode(s), 0, ko_nr_cpus(s) };
	struct kd_error *err = NULL;
	if (v[O_B].count) {
		err = show_softirqs(&rn);
	} else {
		struct collect c = { 0 };
		err = collect(s, &c);
		if (err && err->code != KD_ERR_INTERRUPTED && err->code != KD_ERR_UNSUPPORTED && c.n) {
			// The walker named what it lost; show what it found.
			kd_warn(s, "irq: %s", err->msg); // show what the walk found before it stopped
			kd_error_destroy(err);
			err = NULL;
			rn.bad++;
		}
		if (!err) {
			if (rn.json)
				kd_json_begin_array(s, NULL);
			if (v[O_S].count)
				show_stats(&rn, &c);
			else if (v[O_A].count)
				show_affinity(&rn, &c);
			else
				show_plain(&rn, &c);
			if (rn.json)
				kd_json_end_array(s);
		}
		free(c.v);
	}
	return ko_finish(rn.bad, err);
}

static const struct kd_command commands[] = {
	{
		.name = "irq",
		.summary = "interrupt descriptors, actions, affinity, counts and softirqs",
		.synopsis = "[-a | -b | -s] [--json]",
		.help = "List the IRQ descriptors (struct irq_desc) with their actions (struct\n"
			"irqaction, one line for each shared handler) and names; an IRQ without\n"
			"an action shows \"(unused)\", one whose descriptor could not be read \"?\".\n"
			"-s prints the per-CPU counts, chip, hardware IRQ, flow and actions as\n"
			"/proc/interrupts does (only the numbered IRQs: the architecture's own\n"
			"counters such as LOC and NMI are not included).\n"
			"-a prints the CPU affinity of each IRQ that has an action.\n"
			"-b prints the softirq vectors and their handlers.\n\n"
			"EXAMPLES\n"
			"  kdive> irq\n"
			"  kdive> irq -s\n"
			"  kdive> irq -b --json",
		.options = irq_opts,
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_NEEDS_SYMBOLS | KD_CMD_NEEDS_TYPES | KD_CMD_USES_MODULES,
		.run = irq_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "irq",
	.version = "1",
	.commands = commands,
};
