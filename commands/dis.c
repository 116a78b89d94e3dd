// SPDX-License-Identifier: GPL-3.0-or-later
// dis: disassemble the dump's own memory with capstone, as crash prints it
// (`0xADDR <sym+off>:<TAB>mnemonic operands`), symbolizing branch and call
// targets and RIP-relative operands through the session's symbol table.
// The bytes are the text as it ran: alternatives, static keys and ftrace
// sites as patched.  --file VMLINUX reads the bytes from a vmlinux instead,
// and --diff lists where the running text differs from the file.
#include <capstone/capstone.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kdive/arch.h>
#include <kdive/module.h>
#include <kdive/symbols.h>

enum { O_R, O_F, O_U, O_B, O_I, O_FILE, O_DIFF, O_JSON, O_NOPT };
static const struct kd_option dis_opts[] = {
	[O_R] = { "r", KD_ARG_NONE, NULL, "from the start of the function up to and including the address" },
	[O_F] = { "f", KD_ARG_NONE, NULL, "from the address to the end of the function" },
	[O_U] = { "u", KD_ARG_NONE, NULL, "the address is a user address in the current context" },
	[O_B] = { "b", KD_ARG_NONE, NULL, "show the instruction bytes" },
	[O_I] = { "i", KD_ARG_NONE, NULL, "Intel syntax (default: AT&T, as crash and gdb)" },
	[O_FILE] = { "file", KD_ARG_FILE, "VMLINUX", "read the bytes from this vmlinux, not from the dump" },
	[O_DIFF] = { "diff", KD_ARG_FILE, "VMLINUX", "list the instructions where the dump's text differs from VMLINUX" },
	[O_JSON] = KD_OPTION_JSON,
	[O_NOPT] = { NULL },
};

enum { MAX_FUNC = 256 * 1024, MAX_INSN = 15 };

// A vmlinux opened for --file/--diff: its PT_LOAD segments map link-time
// virtual addresses to file offsets; the dump's addresses are shifted by
// KASLR's KERNELOFFSET.
struct vmlinux {
	int fd;
	Elf *elf;
	size_t nload;
	GElf_Phdr *load;
	uint64_t kaslr;
};

static void vmlinux_close(struct vmlinux *v)
{
	if (v->elf)
		elf_end(v->elf);
	if (v->fd >= 0)
		close(v->fd);
	free(v->load);
	memset(v, 0, sizeof(*v));
	v->fd = -1;
}

static struct kd_error *vmlinux_open(struct kd_session *s, const char *path, struct vmlinux *v)
{
	memset(v, 0, sizeof(*v));
	elf_version(EV_CURRENT);
	v->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (v->fd < 0)
		return kd_error_os(errno, "cannot open '%s'", path);
	v->elf = elf_begin(v->fd, ELF_C_READ, NULL);
	GElf_Ehdr eh;
	size_t n;
	if (!v->elf || !gelf_getehdr(v->elf, &eh) || elf_getphdrnum(v->elf, &n) != 0) {
		vmlinux_close(v);
		return kd_error_create(KD_ERR_CORRUPT, "'%s' is not a readable ELF file", path);
	}
	if (eh.e_type != ET_EXEC || eh.e_machine != kd_dump_machine(s)) {
		vmlinux_close(v);
		return kd_error_create(KD_ERR_USAGE, "'%s' is not a vmlinux for %s", path, kd_dump_machine_name(s));
	}
	v->load = calloc(n ? n : 1, sizeof(*v->load));
	if (!v->load) {
		vmlinux_close(v);
		return &kd_enomem;
	}
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(v->elf, (int)i, &ph) && ph.p_type == PT_LOAD)
			v->load[v->nload++] = ph;
	}
	uint64_t off = 0;
	struct kd_error *err = kd_vmcoreinfo_number(s, "KERNELOFFSET", &off);
	kd_error_destroy(err); // absent: no KASLR
	v->kaslr = off;
	return NULL;
}

static struct kd_error *vmlinux_read(struct vmlinux *v, uint64_t addr, void *buf, size_t len)
{
	uint64_t va = addr - v->kaslr;
	for (size_t i = 0; i < v->nload; i++) {
		const GElf_Phdr *ph = &v->load[i];
		if (va >= ph->p_vaddr && va - ph->p_vaddr < ph->p_filesz &&
		    len <= ph->p_filesz - (va - ph->p_vaddr)) {
			ssize_t r = pread(v->fd, buf, len, (off_t)(ph->p_offset + va - ph->p_vaddr));
			if (r == (ssize_t)len)
				return NULL;
			break;
		}
	}
	return kd_error_addr(KD_ERR_FAULT, addr, "0x%" PRIx64 " is not in the vmlinux file's text", addr);
}

struct source {
	struct kd_session *s;
	struct vmlinux *file; // NULL: the dump
	const struct kd_as *as; // NULL: the kernel
};

static struct kd_error *src_read(struct source *src, uint64_t addr, void *buf, size_t len)
{
	if (src->file)
		return vmlinux_read(src->file, addr, buf, len);
	return kd_read_virt(src->s, src->as, addr, buf, len);
}

// Read up to len bytes, stopping at the first unreadable page (so the last
// instructions before a hole still disassemble).  Returns the bytes read.
static size_t src_read_upto(struct source *src, uint64_t addr, unsigned char *buf, size_t len,
			    struct kd_error **err_ret)
{
	*err_ret = NULL;
	size_t done = 0;
	while (done < len) {
		size_t chunk = 4096 - ((addr + done) & 4095);
		if (chunk > len - done)
			chunk = len - done;
		struct kd_error *err = src_read(src, addr + done, buf + done, chunk);
		if (err) {
			*err_ret = err;
			break;
		}
		done += chunk;
	}
	return done;
}

// "sym+off", and " [module]" for a module's symbol.
static void sym_text(struct kd_session *s, uint64_t addr, char *buf, size_t len)
{
	struct kd_symbol sym;
	uint64_t off;
	struct kd_error *err = kd_symbol_at(s, addr, &sym, &off);
	if (err) {
		kd_error_destroy(err);
		buf[0] = '\0';
		return;
	}
	char offs[32] = "", mod[80] = "";
	if (off)
		snprintf(offs, sizeof(offs), "+%" PRIu64, off);
	if (sym.module)
		snprintf(mod, sizeof(mod), " [%s]", sym.module);
	snprintf(buf, len, "%s%s%s", sym.name, offs, mod);
}

// An A64 instruction's target: a branch's immediate (b, bl, b.cond, cbz,
// tbz: capstone gives the absolute address, the last operand) or adr's
// address.  adrp's is a page, not an object: left out.
static bool insn_target_arm64(const cs_insn *insn, uint64_t *target)
{
	const cs_arm64 *a = &insn->detail->arm64;
	if (!a->op_count || a->operands[a->op_count - 1].type != ARM64_OP_IMM)
		return false;
	bool branch = false;
	for (unsigned i = 0; i < insn->detail->groups_count; i++)
		branch |= insn->detail->groups[i] == CS_GRP_JUMP || insn->detail->groups[i] == CS_GRP_CALL;
	if (!branch && insn->id != ARM64_INS_ADR)
		return false;
	*target = (uint64_t)a->operands[a->op_count - 1].imm;
	return true;
}

// The address an instruction refers to: a branch/call immediate or a
// RIP-relative memory operand.
static bool insn_target(const cs_insn *insn, cs_arch arch, uint64_t *target)
{
	if (arch == CS_ARCH_ARM64)
		return insn_target_arm64(insn, target);
	if (arch != CS_ARCH_X86)
		return false;
	const cs_x86 *x = &insn->detail->x86;
	for (unsigned i = 0; i < x->op_count; i++) {
		const cs_x86_op *op = &x->operands[i];
		if (op->type == X86_OP_MEM && op->mem.base == X86_REG_RIP && op->mem.index == X86_REG_INVALID) {
			*target = insn->address + insn->size + (uint64_t)op->mem.disp;
			return true;
		}
	}
	for (unsigned i = 0; i < insn->detail->groups_count; i++) {
		uint8_t g = insn->detail->groups[i];
		if (g == CS_GRP_JUMP || g == CS_GRP_CALL) {
			if (x->op_count == 1 && x->operands[0].type == X86_OP_IMM) {
				*target = (uint64_t)x->operands[0].imm;
				return true;
			}
		}
	}
	return false;
}

static bool is_branch(const cs_insn *insn)
{
	for (unsigned i = 0; i < insn->detail->groups_count; i++)
		if (insn->detail->groups[i] == CS_GRP_JUMP || insn->detail->groups[i] == CS_GRP_CALL)
			return true;
	return false;
}

// Modern binutils and gdb print call/ret/jmp without the "q" suffix that
// capstone 4 adds in AT&T syntax; crash users know the former.
static const char *mnemonic(const cs_insn *insn, bool intel)
{
	static const char *const plain[][2] = {
		{ "callq", "call" }, { "retq", "ret" }, { "jmpq", "jmp" }, { "pushq", "push" },
		{ "popq", "pop" }, { "leaveq", "leave" },
	};
	if (!intel)
		for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
			if (strcmp(insn->mnemonic, plain[i][0]) == 0 &&
			    (plain[i][0][0] != 'p' || insn->op_str[0] == '%'))
				return plain[i][1];
	return insn->mnemonic;
}

struct disctx {
	struct kd_session *s;
	csh cs;
	cs_arch arch;
	bool intel, bytes, json;
	const char *func;      // current function name, for the json field
};

static void print_insn(struct disctx *d, const cs_insn *insn)
{
	struct kd_session *s = d->s;
	char here[160], tsym[160] = "";
	sym_text(s, insn->address, here, sizeof(here));
	uint64_t target = 0;
	bool has_target = insn_target(insn, d->arch, &target);
	if (has_target)
		sym_text(s, target, tsym, sizeof(tsym));
	const char *mn = mnemonic(insn, d->intel || d->arch != CS_ARCH_X86);
	if (d->json) {
		kd_json_begin_object(s, NULL);
		kd_json_hex(s, "address", insn->address);
		kd_json_string(s, "symbol", here[0] ? here : NULL);
		char hex[3 * MAX_INSN + 1] = "";
		for (unsigned i = 0; i < insn->size; i++)
			snprintf(hex + 2 * i, sizeof(hex) - 2 * i, "%02x", insn->bytes[i]);
		kd_json_string(s, "bytes", hex);
		kd_json_string(s, "mnemonic", mn);
		kd_json_string(s, "operands", insn->op_str);
		if (has_target) {
			kd_json_hex(s, "target", target);
			kd_json_string(s, "target_symbol", tsym[0] ? tsym : NULL);
		}
		kd_json_end_object(s);
		return;
	}
	if (here[0])
		kd_printf(s, "0x%016" PRIx64 " <%s>:\t", insn->address, here);
	else
		kd_printf(s, "0x%016" PRIx64 ":\t", insn->address);
	if (d->bytes) {
		char hex[3 * MAX_INSN + 1] = "";
		for (unsigned i = 0; i < insn->size; i++)
			snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ", insn->bytes[i]);
		kd_printf(s, "%-30s\t", hex);
	}
	if (insn->op_str[0])
		kd_printf(s, "%-6s %s", mn, insn->op_str);
	else
		kd_printf(s, "%s", mn);
	if (has_target && tsym[0]) {
		if (is_branch(insn))
			kd_printf(s, " <%s>", tsym);
		else
			kd_printf(s, "        # 0x%" PRIx64 " <%s>", target, tsym);
	}
	kd_printf(s, "\n");
}

// Disassemble [start, end) or count instructions from start.  Stops with an
// error naming the address that could not be read or decoded.
static struct kd_error *disasm(struct disctx *d, struct source *src, uint64_t start, uint64_t end,
			       uint64_t count, uint64_t stop_after)
{
	size_t want = end > start ? (size_t)(end - start) : (size_t)(count * MAX_INSN);
	if (want > MAX_FUNC)
		want = MAX_FUNC;
	unsigned char *buf = malloc(want + MAX_INSN);
	if (!buf)
		return &kd_enomem;
	struct kd_error *rerr;
	size_t have = src_read_upto(src, start, buf, want, &rerr);
	cs_insn *insn = cs_malloc(d->cs);
	const uint8_t *code = buf;
	size_t left = have;
	uint64_t addr = start, n = 0;
	struct kd_error *err = NULL;
	while ((end > start ? addr < end : n < count)) {
		if ((err = kd_check_interrupt(d->s)))
			break;
		if (!cs_disasm_iter(d->cs, &code, &left, &addr, insn)) {
			if (left >= MAX_INSN || (!rerr && have == want && end > start))
				err = kd_error_addr(KD_ERR_CORRUPT, addr, "cannot decode the instruction at 0x%" PRIx64, addr);
			break;
		}
		print_insn(d, insn);
		n++;
		if (stop_after && insn->address >= stop_after)
			break;
	}
	if (!err && rerr && (end > start ? addr < end : n < count)) {
		err = rerr;
		rerr = NULL;
	}
	kd_error_destroy(rerr);
	cs_free(insn, 1);
	free(buf);
	return err;
}

// The function containing addr: its start and end (from the symbol's size
// when the source knows it, else up to the next symbol).
static struct kd_error *function_bounds(struct kd_session *s, uint64_t addr, uint64_t *start,
					uint64_t *end, const char **name)
{
	struct kd_symbol sym;
	uint64_t off;
	struct kd_error *err = kd_symbol_at(s, addr, &sym, &off);
	if (err)
		return kd_error_prefix(err, "no function contains 0x%" PRIx64, addr);
	*start = sym.address;
	*name = sym.name;
	if (sym.size) {
		*end = sym.address + sym.size;
		return NULL;
	}
	// Up to the next symbol: step forward until the containing symbol changes.
	uint64_t step = 16, e = sym.address + 1;
	while (e - sym.address < MAX_FUNC) {
		struct kd_symbol next;
		uint64_t o;
		err = kd_symbol_at(s, e, &next, &o);
		if (err || next.address != sym.address) {
			kd_error_destroy(err);
			break;
		}
		e += step;
	}
	// Back up to the exact boundary.
	uint64_t lo = e > step ? e - step : sym.address;
	while (lo < e) {
		struct kd_symbol next;
		uint64_t o;
		err = kd_symbol_at(s, lo + 1, &next, &o);
		if (err || next.address != sym.address) {
			kd_error_destroy(err);
			break;
		}
		lo++;
	}
	*end = lo + 1;
	return NULL;
}

static struct kd_error *dis_diff(struct disctx *d, struct vmlinux *v, uint64_t start, uint64_t end)
{
	struct kd_session *s = d->s;
	struct source dump = { s, NULL, NULL }, file = { s, v, NULL };
	size_t len = (size_t)(end - start);
	unsigned char *a = malloc(len), *b = malloc(len);
	struct kd_error *err = NULL;
	if (!a || !b) {
		err = &kd_enomem;
		goto out;
	}
	if ((err = src_read(&dump, start, a, len)) || (err = src_read(&file, start, b, len)))
		goto out;
	// Walk the file's instruction stream; report each instruction whose
	// bytes differ, with both versions.
	cs_insn *ia = cs_malloc(d->cs), *ib = cs_malloc(d->cs);
	const uint8_t *pb = b;
	size_t lb = len;
	uint64_t ab = start;
	unsigned ndiff = 0;
	if (d->json)
		kd_json_begin_array(s, NULL);
	while (lb && cs_disasm_iter(d->cs, &pb, &lb, &ab, ib)) {
		size_t off = (size_t)(ib->address - start);
		if (memcmp(a + off, ib->bytes, ib->size) == 0)
			continue;
		ndiff++;
		const uint8_t *pa = a + off;
		size_t la = len - off;
		uint64_t aa = ib->address;
		bool ok = cs_disasm_iter(d->cs, &pa, &la, &aa, ia);
		if (d->json) {
			kd_json_begin_object(s, NULL);
			kd_json_hex(s, "address", ib->address);
			kd_json_string(s, "file", ib->mnemonic);
			kd_json_string(s, "file_operands", ib->op_str);
			kd_json_string(s, "dump", ok ? ia->mnemonic : "(bad)");
			kd_json_string(s, "dump_operands", ok ? ia->op_str : "");
			kd_json_end_object(s);
		} else {
			kd_printf(s, "- ");
			print_insn(d, ib);
			kd_printf(s, "+ ");
			if (ok)
				print_insn(d, ia);
			else
				kd_printf(s, "0x%016" PRIx64 ":\t(bad)\n", ib->address);
		}
	}
	if (d->json)
		kd_json_end_array(s);
	else
		kd_printf(s, "%u instruction%s differ%s between the dump and the file\n", ndiff,
			  ndiff == 1 ? "" : "s", ndiff == 1 ? "s" : "");
	cs_free(ia, 1);
	cs_free(ib, 1);
out:
	free(a);
	free(b);
	return err;
}

static struct kd_error *dis_run(struct kd_session *s, const struct kd_args *args)
{
	const struct kd_optval *v = args->opt;
	int nargs = args->argc - 1;
	char **argv = args->argv;
	struct kd_error *err = NULL;
	if (nargs < 1 || nargs > 2)
		return kd_error_create(KD_ERR_USAGE, "expected an address or symbol and an optional count");
	struct kd_as user_as;
	if (v[O_U].count) {
		uint64_t task;
		if (!kd_context_get(s, &task, &user_as) || user_as.kind != KD_AS_USER)
			return kd_error_create(KD_ERR_USAGE,
					       "-u: the current context has no user memory; choose a process with 'set PID'");
	}
	if (v[O_R].count && v[O_F].count)
		return kd_error_create(KD_ERR_USAGE, "give -r or -f, not both");
	uint64_t addr, count = 0;
	if ((err = kd_parse_address(s, argv[1], &addr)))
		return err;
	if (!v[O_U].count) {
		// Module code: its symbols name the lines.  They are loaded here,
		// at their point of use, so that dis of the core kernel does not
		// pay for the types and the modules walk.
		struct kd_symbol sym;
		uint64_t off;
		struct kd_error *e = kd_symbol_at(s, addr, &sym, &off);
		if (e)
			kd_error_destroy(kd_kmodules_load(s));
		kd_error_destroy(e);
	}
	bool have_count = nargs == 2;
	if (have_count && (err = kd_parse_u64(argv[2], false, &count)))
		return err;

	cs_arch arch;
	cs_mode mode;
	const struct kd_arch_info *ai = kd_arch_info_get(s);
	switch (ai ? ai->disasm : KD_DISASM_NONE) {
	case KD_DISASM_X86_64: arch = CS_ARCH_X86; mode = CS_MODE_64; break;
	case KD_DISASM_AARCH64: arch = CS_ARCH_ARM64; mode = CS_MODE_ARM; break;
	default:
		return kd_error_create(KD_ERR_UNSUPPORTED, "no disassembler for %s", kd_dump_machine_name(s));
	}
	struct disctx d = { .s = s, .arch = arch, .intel = v[O_I].count, .bytes = v[O_B].count,
			    .json = kd_json_mode(s) };
	if (cs_open(arch, mode, &d.cs) != CS_ERR_OK)
		return kd_error_create(KD_ERR_UNSUPPORTED, "capstone cannot open its %s disassembler",
				       kd_dump_machine_name(s));
	cs_option(d.cs, CS_OPT_DETAIL, CS_OPT_ON);
	if (arch == CS_ARCH_X86 && !d.intel)
		cs_option(d.cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);

	struct vmlinux vm = { .fd = -1 };
	struct source src = { s, NULL, v[O_U].count ? &user_as : NULL };
	const char *fpath = v[O_DIFF].count ? v[O_DIFF].arg : v[O_FILE].count ? v[O_FILE].arg : NULL;
	if (fpath) {
		if ((err = vmlinux_open(s, fpath, &vm)))
			goto out;
		if (v[O_FILE].count)
			src.file = &vm;
	}
	// What to disassemble: a symbol without a count is the whole function;
	// -r and -f are relative to the function containing the address.
	uint64_t start = addr, end = 0, stop_after = 0;
	const char *fname = NULL;
	bool is_symbol = argv[1][0] != '0' && kd_symbols_available(s) && !v[O_R].count && !v[O_F].count;
	if (is_symbol) {
		struct kd_symbol sym;
		uint64_t off;
		struct kd_error *e2 = kd_symbol_at(s, addr, &sym, &off);
		is_symbol = !e2 && off == 0;
		kd_error_destroy(e2);
	}
	if (v[O_R].count || v[O_F].count || (is_symbol && !have_count) || v[O_DIFF].count) {
		uint64_t fs = 0, fe = 0;
		if ((err = function_bounds(s, addr, &fs, &fe, &fname)))
			goto out;
		if (v[O_R].count) {
			start = fs;
			end = fe;
			stop_after = addr;
		} else if (v[O_F].count) {
			end = fe;
		} else {
			start = fs;
			end = fe;
		}
		if (have_count && !v[O_R].count) {
			end = 0;
		}
	}
	if (!end && !have_count)
		count = 1; // crash: an address without a count is one instruction
	if (v[O_DIFF].count) {
		err = dis_diff(&d, &vm, start, end ? end : start + count * MAX_INSN);
		goto out;
	}
	if (d.json)
		kd_json_begin_array(s, NULL);
	err = disasm(&d, &src, start, end, count, stop_after);
	if (d.json)
		kd_json_end_array(s);
out:
	if (vm.fd >= 0 || vm.elf)
		vmlinux_close(&vm);
	cs_close(&d.cs);
	return err;
}

static const struct kd_command commands[2] = {
	{
		.name = "dis",
		.summary = "disassemble the dump's memory",
		.synopsis = "[-r|-f] [-u] [-b] [-i] [--file VMLINUX | --diff VMLINUX] address|symbol[+off] [count]",
		.help = "Disassemble the instructions in the dump's memory: the text as it ran,\n"
			"with alternatives, static keys and ftrace sites already patched.  A\n"
			"symbol without a count disassembles the whole function; an address\n"
			"without a count one instruction.  Branch and call targets and\n"
			"RIP-relative operands are named <symbol+offset>.  No vmlinux is needed.\n"
			"--file VMLINUX reads the bytes from a vmlinux file instead (KASLR-shifted);\n"
			"--diff VMLINUX lists every instruction of the function where the running\n"
			"text differs from the file: patched sites, or tampering.\n\n"
			"EXAMPLES\n"
			"  kdive> dis schedule\n"
			"  kdive> dis -r schedule+0x23\n"
			"  kdive> dis -b 0xffffffff81000000 4\n"
			"  kdive> dis --diff /usr/lib/debug/boot/vmlinux-6.1.0-28-amd64 schedule",
		.options = dis_opts,
		.operand = KD_ARG_SYMBOL,
		.flags = KD_CMD_NEEDS_DUMP | KD_CMD_USES_SYMBOLS,
		.run = dis_run,
	},
	{ NULL },
};

KD_MODULE_EXPORT const struct kd_module kd_module_info = {
	.abi = KD_MODULE_ABI,
	.struct_size = sizeof(struct kd_module),
	.name = "dis",
	.version = "1",
	.commands = commands,
};
