// SPDX-License-Identifier: GPL-3.0-or-later
// kdmangle: the corruption tool of the corrupted-dump suite (run.sh).  It
// finds the structures of a real dump and damages them in place, keeping an
// undo log so the suite can restore the copy instead of copying it again.
//   kdmangle regions FILE        "NAME OFFSET LENGTH" lines: for a kdump file
//                                header, subhdr, bitmap1, bitmap2, descs, pages,
//                                vmcoreinfo, notes; for a flattened file header,
//                                rechdr (one per record, up to 64), recdata; for
//                                an ELF vmcore ehdr, phdrs, notes, vmcoreinfo and,
//                                found from VMCOREINFO, the printk ring buffer:
//                                prbptr, rb, rbptrs, descs, infos, textdata
//   kdmangle page FILE SEED      for a kdump file: "PFN DESC_OFF DATA_OFF SIZE"
//                                of a dumped page chosen by SEED
//   kdmangle sparse SRC DST      a sparse copy of an ELF vmcore holding only its
//                                first MiB, the kernel image (48 MiB from
//                                _stext) and the printk ring buffer's pages
//   kdmangle flip FILE OFF LEN SEED COUNT UNDO
//                                xor COUNT bytes in [OFF, OFF+LEN) with random
//                                non-zero values; the old bytes go to UNDO
//   kdmangle put FILE OFF HEX UNDO   store a little-endian u64
//   kdmangle undo FILE UNDO      put the old bytes back
//   kdmangle where FILE PADDR    for a kdump file: the file offset of the byte
//                                at physical PADDR, if its page is stored
//                                uncompressed (exit 1 if not)
//   kdmangle exclude FILE PFN... for a kdump file: drop these pages from the
//                                dump as makedumpfile's filtering does: clear
//                                their bits in the second bitmap and remove
//                                their page descriptors (the later ones move
//                                down; data offsets are absolute).  In place,
//                                no undo: run it on a copy
// Layouts: kdump per makedumpfile's diskdump_mod.h for x86_64 (as in
// shell/fmt/kdump.c), flattened per makedumpfile's IMPLEMENTATION, ELF per
// the gABI; the ring buffer per kernel/printk/printk_ringbuffer.h through
// the VMCOREINFO offsets.  Deterministic: the same SEED gives the same bytes.
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t rng;

static uint64_t next(void)
{
	// splitmix64: any seed, including 0, gives a good sequence
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void die(const char *what)
{
	fprintf(stderr, "kdmangle: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int fd;
static uint64_t fsize;

static void open_file(const char *path, int flags)
{
	fd = open(path, flags);
	if (fd < 0)
		die(path);
	struct stat st;
	if (fstat(fd, &st) < 0)
		die(path);
	fsize = (uint64_t)st.st_size;
}

// Read up to len bytes at off (zeros past the end).
static void rd(void *buf, size_t len, uint64_t off)
{
	memset(buf, 0, len);
	if (off < fsize && pread(fd, buf, len, (off_t)off) < 0)
		die("pread");
}

static uint64_t u64(uint64_t off) { uint64_t v; rd(&v, 8, off); return v; }
static uint32_t u32(uint64_t off) { uint32_t v; rd(&v, 4, off); return v; }

static void region(const char *name, uint64_t off, uint64_t len)
{
	if (off >= fsize)
		return;
	if (len > fsize - off)
		len = fsize - off;
	if (len)
		printf("%s %" PRIu64 " %" PRIu64 "\n", name, off, len);
}

/* ---- kdump ---- */

struct kdump {
	uint64_t bs, bm_off, bm_bytes, data_off, ndesc, max_mapnr;
	unsigned char *bm2;
};

static void kdump_parse(struct kdump *k)
{
	k->bs = u32(428);
	uint64_t sub = u32(432), bmblocks = u32(436);
	k->max_mapnr = u64(k->bs + 96);
	if (!k->max_mapnr)
		k->max_mapnr = u32(440);
	k->bm_off = (1 + sub) * k->bs;
	uint64_t total = bmblocks * k->bs, need = ((k->max_mapnr + 7) / 8 + k->bs - 1) / k->bs * k->bs;
	k->bm_bytes = total >= 2 * need ? total / 2 : total;
	k->data_off = k->bm_off + total;
	k->bm2 = malloc(k->bm_bytes);
	if (!k->bm2)
		die("malloc");
	rd(k->bm2, k->bm_bytes, k->bm_off + (total >= 2 * need ? k->bm_bytes : 0));
	k->ndesc = 0;
	for (uint64_t i = 0; i < k->bm_bytes; i++)
		k->ndesc += (uint64_t)__builtin_popcount(k->bm2[i]);
}

static void kdump_regions(void)
{
	struct kdump k;
	kdump_parse(&k);
	region("header", 0, k.bs);
	region("subhdr", k.bs, k.bs);
	region("bitmap1", k.bm_off, k.bm_bytes);
	region("bitmap2", k.bm_off + k.bm_bytes, k.bm_bytes);
	region("descs", k.data_off, k.ndesc * 24);
	uint64_t pages = k.data_off + k.ndesc * 24;
	region("pages", pages, fsize > pages ? fsize - pages : 0);
	region("vmcoreinfo", u64(k.bs + 32), u64(k.bs + 40));
	region("notes", u64(k.bs + 48), u64(k.bs + 56));
	free(k.bm2);
}

static void kdump_page(uint64_t seed)
{
	struct kdump k;
	kdump_parse(&k);
	if (!k.ndesc)
		exit(1);
	uint64_t want = seed % k.ndesc, idx = 0;
	for (uint64_t pfn = 0; pfn < k.bm_bytes * 8; pfn++) {
		if (!(k.bm2[pfn / 8] >> (pfn % 8) & 1))
			continue;
		if (idx++ == want) {
			uint64_t d = k.data_off + want * 24;
			printf("%" PRIu64 " %" PRIu64 " %" PRIu64 " %u\n", pfn, d, u64(d), u32(d + 8));
			free(k.bm2);
			return;
		}
	}
	exit(1);
}

// A page's descriptor is found by counting the set bits of the second
// bitmap before its pfn (makedumpfile's IMPLEMENTATION), so a page drops out
// of the dump by clearing its bit and closing the gap in the descriptors.
static void pw(const void *b, size_t n, uint64_t off);

static void kdump_exclude(uint64_t pfn)
{
	struct kdump k;
	kdump_parse(&k);
	if (pfn >= k.bm_bytes * 8 || !(k.bm2[pfn / 8] >> (pfn % 8) & 1)) {
		fprintf(stderr, "kdmangle: pfn 0x%" PRIx64 " is not in the dump\n", pfn);
		exit(1);
	}
	uint64_t idx = 0;
	for (uint64_t p = 0; p < pfn; p++)
		idx += k.bm2[p / 8] >> (p % 8) & 1;
	uint64_t total = u32(436) * k.bs, need = ((k.max_mapnr + 7) / 8 + k.bs - 1) / k.bs * k.bs;
	uint64_t bm2_off = k.bm_off + (total >= 2 * need ? k.bm_bytes : 0);
	uint64_t tail = (k.ndesc - idx - 1) * 24;
	unsigned char *d = calloc(1, tail + 24);
	if (!d)
		die("calloc");
	rd(d, tail, k.data_off + (idx + 1) * 24);
	pw(d, tail + 24, k.data_off + idx * 24);
	unsigned char b = k.bm2[pfn / 8] & (unsigned char)~(1u << (pfn % 8));
	pw(&b, 1, bm2_off + pfn / 8);
	free(d);
	free(k.bm2);
}

static void kdump_where(uint64_t paddr)
{
	struct kdump k;
	kdump_parse(&k);
	uint64_t pfn = paddr / k.bs, idx = 0;
	if (pfn >= k.bm_bytes * 8 || !(k.bm2[pfn / 8] >> (pfn % 8) & 1))
		exit(1);
	for (uint64_t p = 0; p < pfn; p++)
		idx += k.bm2[p / 8] >> (p % 8) & 1;
	uint64_t d = k.data_off + idx * 24;
	// page_desc: offset (8), size (4), flags (4), page_flags (8)
	if (u32(d + 8) != k.bs || u32(d + 12) != 0)
		exit(1);
	printf("%" PRIu64 "\n", u64(d) + paddr % k.bs);
	free(k.bm2);
}

/* ---- flattened ---- */

static void flat_regions(void)
{
	region("header", 0, 4096);
	uint64_t pos = 4096;
	for (int n = 0; n < 64 && pos + 16 <= fsize; n++) {
		uint64_t off = __builtin_bswap64(u64(pos)), size = __builtin_bswap64(u64(pos + 8));
		region("rechdr", pos, 16);
		if (off == UINT64_MAX)
			break;
		if (n == 1)
			region("recdata", pos + 16, size < 65536 ? size : 65536);
		pos += 16 + size;
	}
}

/* ---- ELF ---- */

struct elf {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[64];
	int nph;
	char *vmci;
};

static void elf_parse(struct elf *e)
{
	rd(&e->eh, sizeof(e->eh), 0);
	e->nph = e->eh.e_phnum < 64 ? e->eh.e_phnum : 64;
	rd(e->ph, (size_t)e->nph * sizeof(Elf64_Phdr), e->eh.e_phoff);
	e->vmci = NULL;
	for (int i = 0; i < e->nph; i++) {
		if (e->ph[i].p_type != PT_NOTE || e->ph[i].p_filesz > (16u << 20))
			continue;
		size_t len = e->ph[i].p_filesz;
		unsigned char *n = malloc(len + 1);
		if (!n)
			die("malloc");
		rd(n, len, e->ph[i].p_offset);
		for (size_t p = 0; p + 12 <= len;) {
			Elf64_Nhdr nh;
			memcpy(&nh, n + p, 12);
			size_t name = p + 12, desc = name + ((nh.n_namesz + 3) & ~3u);
			if (desc + nh.n_descsz > len)
				break;
			if (nh.n_namesz == 11 && memcmp(n + name, "VMCOREINFO", 10) == 0) {
				printf("vmcoreinfo %" PRIu64 " %u\n", e->ph[i].p_offset + desc, nh.n_descsz);
				free(e->vmci);
				e->vmci = strndup((char *)n + desc, nh.n_descsz);
			}
			p = desc + ((nh.n_descsz + 3) & ~3u);
		}
		free(n);
	}
}

static int64_t key(const struct elf *e, const char *k, int base)
{
	char pat[128];
	snprintf(pat, sizeof(pat), "\n%s=", k);
	const char *p = e->vmci ? strstr(e->vmci, pat) : NULL;
	return p ? strtoll(p + strlen(pat), NULL, base) : 0;
}

// File offset of kernel-text virtual address va, or 0.
static uint64_t elf_va_off(const struct elf *e, uint64_t va)
{
	uint64_t pa = va - 0xffffffff80000000ull + (uint64_t)key(e, "NUMBER(phys_base)", 10);
	for (int i = 0; i < e->nph; i++) {
		const Elf64_Phdr *p = &e->ph[i];
		if (p->p_type == PT_LOAD && pa >= p->p_paddr && pa - p->p_paddr < p->p_filesz)
			return p->p_offset + (pa - p->p_paddr);
	}
	return 0;
}

// The ring buffer's pieces: name, file offset, length (count 0 if not found).
struct piece { const char *name; uint64_t off, len; };

static int elf_ring(struct elf *e, struct piece *pc)
{
	uint64_t prb = (uint64_t)strtoull(e->vmci && strstr(e->vmci, "SYMBOL(prb)=") ?
					  strstr(e->vmci, "SYMBOL(prb)=") + 12 : "0", NULL, 16);
	uint64_t pp = prb ? elf_va_off(e, prb) : 0;
	if (!pp)
		return 0;
	uint64_t rb = u64(pp), rbo = elf_va_off(e, rb);
	if (!rbo)
		return 0;
	int64_t dr = key(e, "OFFSET(printk_ringbuffer.desc_ring)", 10);
	int64_t tr = key(e, "OFFSET(printk_ringbuffer.text_data_ring)", 10);
	uint32_t count_bits = u32(rbo + dr + key(e, "OFFSET(prb_desc_ring.count_bits)", 10));
	uint32_t size_bits = u32(rbo + tr + key(e, "OFFSET(prb_data_ring.size_bits)", 10));
	if (count_bits > 24 || size_bits > 28)
		return 0;
	uint64_t descs = u64(rbo + dr + key(e, "OFFSET(prb_desc_ring.descs)", 10));
	uint64_t infos = u64(rbo + dr + key(e, "OFFSET(prb_desc_ring.infos)", 10));
	uint64_t data = u64(rbo + tr + key(e, "OFFSET(prb_data_ring.data)", 10));
	int n = 0;
	pc[n++] = (struct piece){ "prbptr", pp, 8 };
	pc[n++] = (struct piece){ "rb", rbo, (uint64_t)key(e, "SIZE(printk_ringbuffer)", 10) };
	pc[n++] = (struct piece){ "rbptrs", rbo + dr, 40 }; // count_bits..tail_id
	pc[n++] = (struct piece){ "descs", elf_va_off(e, descs),
				  (uint64_t)key(e, "SIZE(prb_desc)", 10) << count_bits };
	pc[n++] = (struct piece){ "infos", elf_va_off(e, infos),
				  (uint64_t)key(e, "SIZE(printk_info)", 10) << count_bits };
	pc[n++] = (struct piece){ "textdata", elf_va_off(e, data), 1ull << size_bits };
	return n;
}

static void elf_regions(void)
{
	struct elf e;
	region("ehdr", 0, sizeof(Elf64_Ehdr));
	elf_parse(&e);
	region("phdrs", e.eh.e_phoff, (uint64_t)e.eh.e_phnum * sizeof(Elf64_Phdr));
	for (int i = 0; i < e.nph; i++)
		if (e.ph[i].p_type == PT_NOTE)
			region("notes", e.ph[i].p_offset, e.ph[i].p_filesz);
	struct piece pc[8];
	int n = elf_ring(&e, pc);
	for (int i = 0; i < n; i++)
		if (pc[i].off)
			region(pc[i].name, pc[i].off, pc[i].len);
	free(e.vmci);
}

static void copy_range(int dst, uint64_t off, uint64_t len)
{
	static char buf[1 << 16];
	while (len) {
		size_t n = len < sizeof(buf) ? (size_t)len : sizeof(buf);
		rd(buf, n, off);
		if (pwrite(dst, buf, n, (off_t)off) != (ssize_t)n)
			die("pwrite");
		off += n;
		len -= n;
	}
}

static void sparse(const char *src, const char *dst)
{
	open_file(src, O_RDONLY);
	struct elf e;
	FILE *saved = stdout;
	stdout = fopen("/dev/null", "w"); // elf_parse prints the VMCOREINFO region
	elf_parse(&e);
	fclose(stdout);
	stdout = saved;
	int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		die(dst);
	if (ftruncate(out, (off_t)fsize) < 0)
		die(dst);
	copy_range(out, 0, fsize < (1u << 20) ? fsize : 1u << 20);
	// The kernel image (text, data, kallsyms, BTF and the static kernel page
	// tables: init_top_pgt and the tables that map kernel text): the page-
	// table walk and the symbol layer need them.  48 MiB from _stext covers
	// a distribution kernel.
	uint64_t stext = (uint64_t)strtoull(e.vmci && strstr(e.vmci, "SYMBOL(_stext)=") ?
					    strstr(e.vmci, "SYMBOL(_stext)=") + 15 : "0", NULL, 16);
	for (uint64_t va = stext; stext && va < stext + (48u << 20); va += 4096) {
		uint64_t o = elf_va_off(&e, va);
		if (o)
			copy_range(out, o, 4096);
	}
	struct piece pc[8];
	int n = elf_ring(&e, pc);
	for (int i = 0; i < n; i++) {
		// whole pages around each piece
		uint64_t a = pc[i].off & ~4095ull, b = (pc[i].off + pc[i].len + 4095) & ~4095ull;
		if (pc[i].off)
			copy_range(out, a, b - a);
	}
	if (close(out) < 0)
		die(dst);
	free(e.vmci);
}

/* ---- damage and undo ---- */

static void save(FILE *undo, uint64_t off, size_t len)
{
	unsigned char old[8];
	rd(old, len, off);
	for (size_t i = 0; i < len; i++)
		fprintf(undo, "%" PRIu64 " %u\n", off + i, old[i]);
}

static void pw(const void *b, size_t n, uint64_t off)
{
	if (pwrite(fd, b, n, (off_t)off) != (ssize_t)n)
		die("pwrite");
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 2 ? argv[1] : "";
	if (strcmp(cmd, "regions") == 0 && argc == 3) {
		open_file(argv[2], O_RDONLY);
		char sig[16];
		rd(sig, sizeof(sig), 0);
		if (memcmp(sig, "KDUMP   ", 8) == 0)
			kdump_regions();
		else if (memcmp(sig, "makedumpfile", 12) == 0)
			flat_regions();
		else if (memcmp(sig, ELFMAG, SELFMAG) == 0)
			elf_regions();
		return 0;
	}
	if (strcmp(cmd, "page") == 0 && argc == 4) {
		open_file(argv[2], O_RDONLY);
		rng = strtoull(argv[3], NULL, 0);
		kdump_page(next());
		return 0;
	}
	if (strcmp(cmd, "sparse") == 0 && argc == 4) {
		sparse(argv[2], argv[3]);
		return 0;
	}
	if (strcmp(cmd, "flip") == 0 && argc == 8) {
		open_file(argv[2], O_RDWR);
		uint64_t off = strtoull(argv[3], NULL, 0), len = strtoull(argv[4], NULL, 0);
		rng = strtoull(argv[5], NULL, 0);
		unsigned count = (unsigned)strtoul(argv[6], NULL, 0);
		FILE *undo = fopen(argv[7], "a");
		if (!undo || !len)
			die(argv[7]);
		for (unsigned i = 0; i < count; i++) {
			uint64_t at = off + next() % len;
			unsigned char b;
			save(undo, at, 1);
			rd(&b, 1, at);
			b ^= (unsigned char)(1 + next() % 255);
			pw(&b, 1, at);
		}
		return fclose(undo) != 0;
	}
	if (strcmp(cmd, "put") == 0 && argc == 6) {
		open_file(argv[2], O_RDWR);
		uint64_t off = strtoull(argv[3], NULL, 0), v = strtoull(argv[4], NULL, 16);
		FILE *undo = fopen(argv[5], "a");
		if (!undo)
			die(argv[5]);
		save(undo, off, 8);
		pw(&v, 8, off);
		return fclose(undo) != 0;
	}
	if (strcmp(cmd, "undo") == 0 && argc == 4) {
		open_file(argv[2], O_RDWR);
		FILE *undo = fopen(argv[3], "r");
		if (!undo)
			die(argv[3]);
		// restore in reverse order so a byte changed twice gets its first value
		uint64_t *offs = NULL;
		unsigned char *vals = NULL;
		size_t n = 0, cap = 0;
		uint64_t o;
		unsigned v;
		while (fscanf(undo, "%" SCNu64 " %u", &o, &v) == 2) {
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				offs = realloc(offs, cap * sizeof(*offs));
				vals = realloc(vals, cap);
				if (!offs || !vals)
					die("realloc");
			}
			offs[n] = o;
			vals[n++] = (unsigned char)v;
		}
		fclose(undo);
		while (n--)
			pw(&vals[n], 1, offs[n]);
		free(offs);
		free(vals);
		return unlink(argv[3]) != 0;
	}
	if (strcmp(cmd, "where") == 0 && argc == 4) {
		open_file(argv[2], O_RDONLY);
		kdump_where(strtoull(argv[3], NULL, 0));
		return 0;
	}
	if (strcmp(cmd, "exclude") == 0 && argc >= 4) {
		open_file(argv[2], O_RDWR);
		for (int i = 3; i < argc; i++)
			kdump_exclude(strtoull(argv[i], NULL, 0));
		return 0;
	}
	fprintf(stderr, "usage: kdmangle regions|page|sparse|flip|put|undo|where|exclude ... (see the source)\n");
	return 2;
}
