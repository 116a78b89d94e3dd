// SPDX-License-Identifier: GPL-3.0-or-later
// mkprintk: synthetic x86_64 ELF vmcores holding a kernel log buffer, for
// the corner cases real dumps rarely hit, built from the documented layouts:
//   lockless  the 5.10+ ring (kernel/printk/printk_ringbuffer.h): ids that
//             wrap the 62-bit id space, a text block that wraps to the start
//             of the data ring, a data-less record, a truncated record,
//             reusable, reserved and stale (id mismatch) descriptors that
//             must be skipped, a multi-line record, escapes, device info,
//             thread and CPU callers;
//   varlen    3.5-5.9 log_buf records (struct printk_log + text + dict),
//             with the len==0 wrap marker;
//   plain     the pre-3.5 character ring (log_buf, log_end, log_buf_len);
//   oops, panic  the lockless ring holding an oops report (BUG:, Oops:, an
//             end-trace line) and, for panic, then panic()'s lines: what
//             the panic finder must pick as the panic message (sys's PANIC).
// It writes OUT (the dump) and OUT.expected: what `log -m -c -d` must print,
// computed here from the records put in (not from kdive).
// Memory: one 2 MiB kernel-text page at 0xffffffff81000000 (phys 0x1000000,
// phys_base 0) mapped by a PGD -> PUD -> PMD(PSE) walk at phys 0x1000.
// Usage: mkprintk lockless|varlen|plain|oops|panic OUT
#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KBASE_PA = 0x1000000, MEMSZ = 0x10000 };
static const uint64_t KBASE = 0xffffffff81000000ull;
static unsigned char mem[MEMSZ];   // at KBASE
static unsigned char low[0x4000];  // phys 0: page tables at 0x1000..0x3fff
static char vmci[8192];
static size_t vlen;
static FILE *expected_out;

static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put16(unsigned char *p, uint16_t v) { memcpy(p, &v, 2); }
static void vm(const char *k, unsigned long long v)
{
	vlen += (size_t)snprintf(vmci + vlen, sizeof(vmci) - vlen, "SYMBOL(%s)=%llx\n", k, v);
}

// The expected line(s) for one record, per the output rules in help log:
// [seconds.micro] [caller] <level>text; later lines of the text indented to
// the text column; non-printable bytes and backslash as \xNN; device info
// lines indented the same way.
static void expect(uint64_t ts, const char *caller, int level, const char *text, size_t len,
		   const char *sub, const char *dev)
{
	char head[64];
	int col = snprintf(head, sizeof(head), "[%5llu.%06llu] ", (unsigned long long)(ts / 1000000000),
			   (unsigned long long)(ts % 1000000000 / 1000));
	if (caller)
		col += snprintf(head + col, sizeof(head) - (size_t)col, "[%7s] ", caller);
	col += snprintf(head + col, sizeof(head) - (size_t)col, "<%d>", level);
	fputs(head, expected_out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n')
			fprintf(expected_out, "\n%*s", col, "");
		else if ((c < 0x20 && c != '\t') || c >= 0x7f || c == '\\')
			fprintf(expected_out, "\\x%02x", c);
		else
			fputc(c, expected_out);
	}
	fputc('\n', expected_out);
	if (sub)
		fprintf(expected_out, "%*sSUBSYSTEM=%s\n", col, "", sub);
	if (dev)
		fprintf(expected_out, "%*sDEVICE=%s\n", col, "", dev);
}

/* ---- 5.10+ lockless ring ---- */
// Offsets as a 6.1 x86_64 kernel exports them in VMCOREINFO.
enum { RB = 0x100, DESCS = 0x1000, INFOS = 0x2000, DATA = 0x4000, COUNT_BITS = 4, SIZE_BITS = 9,
       DESC_SZ = 24, INFO_SZ = 88 };
#define ID_MASK (~(3ull << 62))

static uint64_t lpos; // next free logical position in the data ring

struct lrec {
	const char *text; int state; int level; uint32_t caller; const char *sub, *dev;
	int kind; // 0 normal, 1 data-less, 2 truncated, 3 stale id
};

// An oops report as arch/x86/mm/fault.c and dumpstack.c print it, then,
// for "panic", panic()'s message and its end line (kernel/panic.c).
static const struct lrec oops_recs[] = {
	{ "kdive-marker: before the oops", 2, 6, 1, NULL, NULL, 0 },
	{ "BUG: kernel NULL pointer dereference, address: 0000000000000008", 2, 1, 90, NULL, NULL, 0 },
	{ "#PF: supervisor write access in kernel mode", 2, 1, 90, NULL, NULL, 0 },
	{ "Oops: 0002 [#1] PREEMPT SMP NOPTI", 2, 4, 90, NULL, NULL, 0 },
	{ "CPU: 1 PID: 90 Comm: kdive-oops Not tainted 6.1.0-synthetic #1", 2, 4, 90, NULL, NULL, 0 },
	{ "---[ end trace 0000000000000000 ]---", 2, 4, 90, NULL, NULL, 0 },
	{ "Kernel panic - not syncing: Fatal exception", 2, 0, 90, NULL, NULL, 0 },
	{ "---[ end Kernel panic - not syncing: Fatal exception ]---", 2, 0, 90, NULL, NULL, 0 },
};
static size_t oops_n; // records of oops_recs to use (6 for oops, all for panic)

static void lockless(void)
{
	const uint64_t count = 1u << COUNT_BITS, dsize = 1u << SIZE_BITS;
	static const struct lrec lockless_recs[] = {
		{ "first record", 2, 6, 1, "pci", "+pci:0000:00:01.0", 0 },
		{ "line one\nline two", 2, 4, 42, NULL, NULL, 0 },
		{ "", 2, 6, 1, NULL, NULL, 1 },                       // data-less
		{ "reusable: must not print", 3, 6, 1, NULL, NULL, 0 },
		{ "reserved: must not print", 0, 6, 1, NULL, NULL, 0 },
		{ "this block wraps to the start of the data ring", 1, 5, 7, NULL, NULL, 0 },
		{ "truncated record text", 2, 3, 8, NULL, NULL, 2 },
		{ "stale descriptor: must not print", 2, 6, 1, NULL, NULL, 3 },
		{ "bell\a and back\\slash", 2, 6, 9, NULL, NULL, 0 },
		{ "last, from a CPU", 2, 0, 0x80000001u, NULL, NULL, 0 },
	};
	const struct lrec *recs = oops_n ? oops_recs : lockless_recs;
	size_t n = oops_n ? oops_n : sizeof(lockless_recs) / sizeof(lockless_recs[0]);
	uint64_t tail = ID_MASK - 2; // the ids wrap past the 62-bit mask
	lpos = 3 * dsize + 200;      // logical positions several wraps in
	for (size_t i = 0; i < n; i++) {
		uint64_t id = (tail + i) & ID_MASK;
		uint64_t idx = id & (count - 1);
		unsigned char *d = mem + DESCS + idx * DESC_SZ, *info = mem + INFOS + idx * INFO_SZ;
		size_t tlen = strlen(recs[i].text);
		uint64_t ts = 1000000000ull * (i + 1) + 123456789ull * i;
		uint64_t begin, next;
		if (recs[i].kind == 1) {
			begin = next = 1; // FAILED_LPOS: no data
		} else {
			size_t stored = recs[i].kind == 2 ? 9 : tlen; // truncated: block shorter than text_len
			size_t bsize = (8 + stored + 7) & ~(size_t)7;
			if (i == 5)
				lpos = (lpos / dsize + 1) * dsize - 16; // 16 bytes before the ring's end
			begin = lpos;
			uint64_t bi = begin & (dsize - 1);
			unsigned char *blk;
			if (bi + bsize > dsize) { // does not fit: stored at index 0 of the next wrap
				next = (begin / dsize + 1) * dsize + bsize;
				blk = mem + DATA;
			} else {
				next = begin + bsize;
				blk = mem + DATA + bi;
			}
			put64(blk, id);
			memcpy(blk + 8, recs[i].text, stored);
			lpos = next;
		}
		uint64_t sv = ((uint64_t)recs[i].state << 62) | (recs[i].kind == 3 ? (id ^ 0x10) : id);
		put64(d + 0, sv);
		put64(d + 8, begin);
		put64(d + 16, next);
		put64(info + 0, 100 + i);       // seq
		put64(info + 8, ts);            // ts_nsec
		put16(info + 16, (uint16_t)tlen); // text_len
		info[18] = 0;                   // facility
		info[19] = (unsigned char)(recs[i].level << 5);
		put32(info + 20, recs[i].caller);
		if (recs[i].sub)
			strcpy((char *)info + 24, recs[i].sub);
		if (recs[i].dev)
			strcpy((char *)info + 24 + 16, recs[i].dev);
		bool shown = (recs[i].state == 1 || recs[i].state == 2) && recs[i].kind != 3;
		if (shown) {
			char caller[16];
			snprintf(caller, sizeof(caller), "%c%u", recs[i].caller & 0x80000000u ? 'C' : 'T',
				 recs[i].caller & 0x7fffffffu);
			size_t plen = recs[i].kind == 1 ? 0 : recs[i].kind == 2 ? 9 : tlen;
			expect(ts, caller, recs[i].level, recs[i].text, plen, recs[i].sub, recs[i].dev);
		}
	}
	put64(mem + 0, KBASE + RB); // prb -> the ring
	unsigned char *rb = mem + RB;
	put32(rb + 0, COUNT_BITS);
	put64(rb + 8, KBASE + DESCS);
	put64(rb + 16, KBASE + INFOS);
	put64(rb + 24, (tail + n - 1) & ID_MASK); // head_id
	put64(rb + 32, tail);                     // tail_id
	put32(rb + 48, SIZE_BITS);
	put64(rb + 56, KBASE + DATA);
	put64(rb + 64, lpos);
	vm("prb", (unsigned long long)KBASE);
	static const char *const nums =
		"SIZE(printk_ringbuffer)=88\nOFFSET(printk_ringbuffer.desc_ring)=0\n"
		"OFFSET(printk_ringbuffer.text_data_ring)=48\nOFFSET(printk_ringbuffer.fail)=80\n"
		"SIZE(prb_desc_ring)=48\nOFFSET(prb_desc_ring.count_bits)=0\nOFFSET(prb_desc_ring.descs)=8\n"
		"OFFSET(prb_desc_ring.infos)=16\nOFFSET(prb_desc_ring.head_id)=24\nOFFSET(prb_desc_ring.tail_id)=32\n"
		"SIZE(prb_desc)=24\nOFFSET(prb_desc.state_var)=0\nOFFSET(prb_desc.text_blk_lpos)=8\n"
		"SIZE(prb_data_blk_lpos)=16\nOFFSET(prb_data_blk_lpos.begin)=0\nOFFSET(prb_data_blk_lpos.next)=8\n"
		"SIZE(printk_info)=88\nOFFSET(printk_info.seq)=0\nOFFSET(printk_info.ts_nsec)=8\n"
		"OFFSET(printk_info.text_len)=16\nOFFSET(printk_info.caller_id)=20\nOFFSET(printk_info.dev_info)=24\n"
		"SIZE(dev_printk_info)=64\nOFFSET(dev_printk_info.subsystem)=0\nLENGTH(printk_info_subsystem)=16\n"
		"OFFSET(dev_printk_info.device)=16\nLENGTH(printk_info_device)=48\nSIZE(prb_data_ring)=32\n"
		"OFFSET(prb_data_ring.size_bits)=0\nOFFSET(prb_data_ring.data)=8\nOFFSET(prb_data_ring.head_lpos)=16\n"
		"OFFSET(prb_data_ring.tail_lpos)=24\nSIZE(atomic_long_t)=8\nOFFSET(atomic_long_t.counter)=0\n";
	vlen += (size_t)snprintf(vmci + vlen, sizeof(vmci) - vlen, "%s", nums);
}

/* ---- 3.5 to 5.9: variable-length records ---- */
enum { LBUF = 0x1000, LBUF_LEN = 512, HDR = 16 };

static size_t put_rec(size_t idx, uint64_t ts, int level, const char *text, const char *dict, size_t dlen)
{
	size_t tlen = strlen(text);
	size_t len = (HDR + tlen + dlen + 7) & ~(size_t)7;
	unsigned char *h = mem + LBUF + idx;
	put64(h + 0, ts);
	put16(h + 8, (uint16_t)len);
	put16(h + 10, (uint16_t)tlen);
	put16(h + 12, (uint16_t)dlen);
	h[14] = 0;
	h[15] = (unsigned char)(level << 5);
	memcpy(h + HDR, text, tlen);
	memcpy(h + HDR + tlen, dict, dlen);
	return len;
}

static void varlen(void)
{
	static const char dict[] = "SUBSYSTEM=usb\0DEVICE=+usb:1-1";
	size_t first = 360, idx = first;
	idx += put_rec(idx, 1500000, 6, "varlen one", "", 0);
	expect(1500000, NULL, 6, "varlen one", 10, NULL, NULL);
	idx += put_rec(idx, 2500000000ull, 3, "with a dictionary", dict, sizeof(dict) - 1);
	expect(2500000000ull, NULL, 3, "with a dictionary", 17, "usb", "+usb:1-1");
	memset(mem + LBUF + idx, 0, HDR); // len 0: wrap to the start
	idx = 0;
	idx += put_rec(idx, 3000001000ull, 4, "after the wrap", "", 0);
	expect(3000001000ull, NULL, 4, "after the wrap", 14, NULL, NULL);
	idx += put_rec(idx, 4000000000ull, 7, "last varlen", "", 0);
	expect(4000000000ull, NULL, 7, "last varlen", 11, NULL, NULL);
	put64(mem + 0x10, KBASE + LBUF); // log_buf (a char *)
	put32(mem + 0x18, LBUF_LEN);     // log_buf_len
	put32(mem + 0x20, (uint32_t)first);
	put32(mem + 0x28, (uint32_t)idx);
	vm("log_buf", (unsigned long long)(KBASE + 0x10));
	vm("log_buf_len", (unsigned long long)(KBASE + 0x18));
	vm("log_first_idx", (unsigned long long)(KBASE + 0x20));
	vm("log_next_idx", (unsigned long long)(KBASE + 0x28));
	vlen += (size_t)snprintf(vmci + vlen, sizeof(vmci) - vlen, "%s",
				 "SIZE(printk_log)=16\nOFFSET(printk_log.ts_nsec)=0\nOFFSET(printk_log.len)=8\n"
				 "OFFSET(printk_log.text_len)=10\nOFFSET(printk_log.dict_len)=12\n");
}

/* ---- before 3.5: a character ring ---- */
static void plain(void)
{
	const char *text = "<6>old style line one\n<4>old style line two\n<6>and the third\n";
	size_t tl = strlen(text), blen = 32;
	uint64_t end = 1000 + tl; // many characters were written before
	for (size_t i = 0; i < tl; i++)
		mem[LBUF + ((end - tl + i) & (blen - 1))] = (unsigned char)text[i];
	// Only the last 32 characters survive.
	const char *kept = text + tl - blen;
	for (const char *p = kept; *p;) {
		const char *nl = strchr(p, '\n');
		fprintf(expected_out, "%.*s\n", (int)(nl - p), p);
		p = nl + 1;
	}
	put64(mem + 0x10, KBASE + LBUF);
	put32(mem + 0x18, (uint32_t)blen);
	put32(mem + 0x20, (uint32_t)end);
	vm("log_buf", (unsigned long long)(KBASE + 0x10));
	vm("log_buf_len", (unsigned long long)(KBASE + 0x18));
	vm("log_end", (unsigned long long)(KBASE + 0x20));
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkprintk lockless|varlen|plain OUT\n");
		return 2;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s.expected", argv[2]);
	expected_out = fopen(path, "w");
	if (!expected_out) {
		perror(path);
		return 1;
	}
	vlen = (size_t)snprintf(vmci, sizeof(vmci),
				"OSRELEASE=6.1.0-synthetic\nPAGESIZE=4096\nNUMBER(phys_base)=0\nKERNELOFFSET=0\n"
				"NUMBER(pgtable_l5_enabled)=0\nSYMBOL(_stext)=ffffffff81000000\n"
				"SYMBOL(init_top_pgt)=ffffffff80001000\n");
	if (!strcmp(argv[1], "lockless"))
		lockless();
	else if (!strcmp(argv[1], "varlen"))
		varlen();
	else if (!strcmp(argv[1], "plain"))
		plain();
	else if (!strcmp(argv[1], "oops") || !strcmp(argv[1], "panic")) {
		oops_n = !strcmp(argv[1], "oops") ? 6 : sizeof(oops_recs) / sizeof(oops_recs[0]);
		lockless();
	}
	else {
		fprintf(stderr, "mkprintk: unknown kind '%s'\n", argv[1]);
		return 2;
	}
	fclose(expected_out);
	// Page tables: PGD[511] -> PUD at 0x2000; PUD[510] -> PMD at 0x3000;
	// PMD[8] maps 2 MiB at KBASE_PA (PSE).  Flags: present, rw, accessed, dirty.
	put64(low + 0x1000 + 511 * 8, 0x2000 | 0x63);
	put64(low + 0x2000 + 510 * 8, 0x3000 | 0x63);
	put64(low + 0x3000 + 8 * 8, KBASE_PA | 0xe3);

	// ELF: PT_NOTE (VMCOREINFO), PT_LOAD phys 0 (page tables), PT_LOAD KBASE_PA.
	static unsigned char note[8192 + 64];
	Elf64_Nhdr nh = { .n_namesz = 11, .n_descsz = (uint32_t)vlen, .n_type = 0 };
	memcpy(note, &nh, sizeof(nh));
	memcpy(note + 12, "VMCOREINFO", 11);
	memcpy(note + 24, vmci, vlen);
	size_t nlen = 24 + ((vlen + 3) & ~(size_t)3);
	Elf64_Ehdr eh = { 0 };
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 3;
	Elf64_Phdr ph[3] = { 0 };
	uint64_t off = sizeof(eh) + sizeof(ph);
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = off, .p_filesz = nlen };
	off = (off + nlen + 4095) & ~4095ull;
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = off, .p_paddr = 0, .p_filesz = sizeof(low), .p_memsz = sizeof(low) };
	off += sizeof(low);
	ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = off, .p_paddr = KBASE_PA, .p_vaddr = KBASE,
			      .p_filesz = MEMSZ, .p_memsz = 0x200000 };
	FILE *f = fopen(argv[2], "wb");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	fwrite(&eh, sizeof(eh), 1, f);
	fwrite(ph, sizeof(ph), 1, f);
	fwrite(note, 1, nlen, f);
	while ((uint64_t)ftell(f) < ph[1].p_offset)
		fputc(0, f);
	fwrite(low, 1, sizeof(low), f);
	fwrite(mem, 1, sizeof(mem), f);
	return fclose(f) ? 1 : 0;
}
