// SPDX-License-Identifier: GPL-3.0-or-later
// Read-only dump files with bounds-checked reads.  kdive never opens a dump
// for writing.  Also the file layer for makedumpfile's flattened format (-F,
// and what QEMU 7.2 writes for its kdump formats): the stream is indexed
// once and read in place.  Layout (makedumpfile.h, IMPLEMENTATION, "flattened
// format"): a 4096-byte header starting with "makedumpfile" and big-endian
// int64 type = 1 and version = 1, then records { be64 offset; be64 size;
// u8 data[size] } meaning "these bytes go at this offset of the real file",
// ended by a record whose offset is -1.  With KDIVE_MMAP=1, regular files
// are read through a read-only mapping (see file.h: bounds-checked copies,
// SIGBUS-safe).
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "file.h"

enum { MAP_DROP_EVERY = 256 };

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0 // <linux/magic.h>
#endif

// The copy in progress on this thread, if any: a SIGBUS while it is set
// comes from the mapping (the destination is ordinary memory) and jumps back.
static _Thread_local sigjmp_buf *volatile copy_jmp;
static struct sigaction prev_bus;
static atomic_int bus_state; // 0 not installed, 1 installing, 2 installed, 3 failed

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	sigjmp_buf *j = copy_jmp;
	if (j) {
		copy_jmp = NULL;
		siglongjmp(*j, 1);
	}
	// Not ours: hand it on.  With the default action, restore it and return:
	// the faulting access runs again and takes the default (core dump).
	if (prev_bus.sa_flags & SA_SIGINFO) {
		prev_bus.sa_sigaction(sig, si, uc);
	} else if (prev_bus.sa_handler == SIG_DFL || prev_bus.sa_handler == SIG_IGN) {
		signal(SIGBUS, SIG_DFL);
	} else {
		prev_bus.sa_handler(sig);
	}
}

static bool sigbus_ready(void)
{
	int st = atomic_load(&bus_state);
	if (st == 0 && atomic_compare_exchange_strong(&bus_state, &st, 1)) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		// SA_NODEFER: siglongjmp(, savemask 0) out of the handler must not
		// leave SIGBUS blocked (a later fault while blocked kills the process).
		sa.sa_flags = SA_SIGINFO | SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		st = sigaction(SIGBUS, &sa, &prev_bus) == 0 ? 2 : 3;
		atomic_store(&bus_state, st);
	}
	while (st == 1) // another thread is installing it
		st = atomic_load(&bus_state);
	return st == 2;
}

// Map a regular file whole, read-only, when the environment says
// KDIVE_MMAP=1 (file.h: measured, not faster than pread, so not the
// default).  Not /proc's files (kcore: its size is the address space, and it
// is read with pread), not an empty file, not when the handler cannot be set.
static void file_map(struct kd_file *f, const struct stat *st)
{
	const char *on = getenv("KDIVE_MMAP");
	if (!on || strcmp(on, "1") != 0 || !S_ISREG(st->st_mode) || st->st_size <= 0 ||
	    (uint64_t)st->st_size > SIZE_MAX)
		return;
	struct statfs sf;
	if (fstatfs(f->fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC)
		return;
	if (!sigbus_ready())
		return;
	void *m = mmap(NULL, (size_t)st->st_size, PROT_READ, MAP_PRIVATE, f->fd, 0);
	if (m == MAP_FAILED)
		return;
	f->map = m;
	f->map_len = (size_t)st->st_size;
}

void kd_file_unmap(struct kd_file *f)
{
	if (f && f->map) {
		munmap((void *)f->map, f->map_len);
		f->map = NULL;
		f->map_len = 0;
	}
}

// Copy from the mapping; false if the file shrank under it (SIGBUS).  A
// fault on the mapping maps up to 16 pages around the one asked for (the
// kernel's fault-around, 64 KiB), and mapped pages count in the resident set
// until unmapped: every MAP_DROP_EVERY copies the mapping's pages are dropped
// from the page tables (they stay in the page cache), so that the mapping
// adds at most ~MAP_DROP_EVERY * 64 KiB to the peak RSS, whatever the size
// of the dump.  Without it ps of 5,000 threads on a 4 GiB dump ran at 77 MB
// instead of 29 MB.
static bool map_copy(struct kd_file *f, void *buf, size_t len, uint64_t off)
{
	if (++f->map_copies >= MAP_DROP_EVERY) {
		f->map_copies = 0;
		madvise((void *)f->map, f->map_len, MADV_DONTNEED);
	}
	sigjmp_buf j;
	if (sigsetjmp(j, 0))
		return false;
	copy_jmp = &j;
	memcpy(buf, f->map + off, len);
	copy_jmp = NULL;
	return true;
}

struct kd_error *kd_file_open(const char *path, struct kd_file **ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kd_error_os(errno, "cannot open '%s'", path);
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return kd_error_os(e, "cannot stat '%s'", path);
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return kd_error_create(KD_ERR_USAGE, "'%s' is a directory", path);
	}
	struct kd_file *f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path))) {
		free(f);
		close(fd);
		return &kd_enomem;
	}
	f->fd = fd;
	f->size = (uint64_t)st.st_size;
	f->raw_size = f->size;
	file_map(f, &st);
	*ret = f;
	return NULL;
}

void kd_file_close(struct kd_file *f)
{
	if (!f)
		return;
	kd_file_unmap(f);
	close(f->fd);
	free(f->flat);
	free(f->path);
	free(f);
}

static struct kd_error *raw_pread(struct kd_file *f, void *buf, size_t len, uint64_t off)
{
	if (off > f->raw_size || len > f->raw_size - off)
		return kd_error_create(KD_ERR_CORRUPT,
				       "'%s' is truncated: need %zu bytes at offset 0x%llx, file size is 0x%llx",
				       f->path, len, (unsigned long long)off, (unsigned long long)f->raw_size);
	if (f->map) {
		if (map_copy(f, buf, len, off))
			return NULL;
		// The file shrank since it was opened: read it with pread from now
		// on, which says where it ends.
		kd_file_unmap(f);
	}
	char *p = buf;
	while (len) {
		ssize_t n = pread(f->fd, p, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kd_error_os(errno, "reading '%s' at offset 0x%llx", f->path,
					   (unsigned long long)off);
		}
		if (n == 0)
			return kd_error_create(KD_ERR_CORRUPT, "'%s' is truncated at offset 0x%llx",
					       f->path, (unsigned long long)off);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return NULL;
}

// Reads through the flattened map: find the segment holding off, copy, go on;
// logical bytes no record wrote read as zero (as in a file rebuilt with -R).
static struct kd_error *flat_pread(struct kd_file *f, char *p, size_t len, uint64_t off)
{
	while (len) {
		size_t lo = 0, hi = f->nflat;
		while (lo < hi) { // first segment with off < seg.off + size
			size_t mid = lo + (hi - lo) / 2;
			if (f->flat[mid].off + f->flat[mid].size <= off)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t n;
		if (lo < f->nflat && f->flat[lo].off <= off) {
			const struct kd_flat_seg *sg = &f->flat[lo];
			uint64_t in = off - sg->off;
			n = len < sg->size - in ? len : (size_t)(sg->size - in);
			struct kd_error *err = raw_pread(f, p, n, sg->pos + in);
			if (err)
				return err;
		} else {
			uint64_t next = lo < f->nflat ? f->flat[lo].off : f->size;
			n = len < next - off ? len : (size_t)(next - off);
			memset(p, 0, n);
		}
		p += n;
		off += n;
		len -= n;
	}
	return NULL;
}

struct kd_error *kd_file_pread(struct kd_file *f, void *buf, size_t len, uint64_t off)
{
	if (!f->flat)
		return raw_pread(f, buf, len, off);
	if (off > f->size || len > f->size - off)
		return kd_error_create(KD_ERR_CORRUPT,
				       "'%s' is truncated: need %zu bytes at offset 0x%llx of the flattened stream, its size is 0x%llx",
				       f->path, len, (unsigned long long)off, (unsigned long long)f->size);
	return flat_pread(f, buf, len, off);
}

#define FLAT_SIGNATURE "makedumpfile"
#define FLAT_HEADER_SIZE 4096 // MAX_SIZE_MDF_HEADER
#define FLAT_END ((uint64_t)-1) // END_FLAG_FLAT_HEADER

bool kd_file_is_flattened(const void *hdr, size_t len)
{
	return len >= 32 && memcmp(hdr, FLAT_SIGNATURE "\0\0\0\0", 16) == 0;
}

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

struct flat_rec {
	uint64_t off, size, pos;
	size_t seq; // stream order: a later record wins where two overlap
};

static int rec_cmp(const void *a, const void *b)
{
	const struct flat_rec *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

// A max-heap of record indices by seq, for the overlap sweep.
struct heap {
	size_t *v;
	size_t n;
	const struct flat_rec *r;
};

static void heap_push(struct heap *h, size_t i)
{
	size_t k = h->n++;
	h->v[k] = i;
	while (k && h->r[h->v[(k - 1) / 2]].seq < h->r[h->v[k]].seq) {
		size_t par = (k - 1) / 2, t = h->v[par];
		h->v[par] = h->v[k];
		h->v[k] = t;
		k = par;
	}
}

static void heap_pop(struct heap *h)
{
	h->v[0] = h->v[--h->n];
	size_t k = 0;
	for (;;) {
		size_t l = 2 * k + 1, r = l + 1, m = k;
		if (l < h->n && h->r[h->v[l]].seq > h->r[h->v[m]].seq)
			m = l;
		if (r < h->n && h->r[h->v[r]].seq > h->r[h->v[m]].seq)
			m = r;
		if (m == k)
			break;
		size_t t = h->v[m];
		h->v[m] = h->v[k];
		h->v[k] = t;
		k = m;
	}
}

// Turn the records (possibly overlapping, in any order) into sorted disjoint
// segments where the last record written to a byte wins: sweep the sorted
// record boundaries keeping the live records in a heap by stream order.
static struct kd_error *flat_resolve(struct kd_file *f, struct flat_rec *rec, size_t n)
{
	qsort(rec, n, sizeof(*rec), rec_cmp);
	uint64_t *b = malloc(2 * n * sizeof(*b));
	size_t *hv = malloc(n * sizeof(*hv));
	struct kd_flat_seg *seg = malloc(2 * n * sizeof(*seg));
	if (!b || !hv || !seg) {
		free(b);
		free(hv);
		free(seg);
		return &kd_enomem;
	}
	for (size_t i = 0; i < n; i++) {
		b[2 * i] = rec[i].off;
		b[2 * i + 1] = rec[i].off + rec[i].size;
	}
	qsort(b, 2 * n, sizeof(*b), u64_cmp);
	struct heap h = { hv, 0, rec };
	size_t nseg = 0, next = 0;
	for (size_t k = 0; k + 1 < 2 * n; k++) {
		uint64_t at = b[k], end = b[k + 1];
		if (at == end)
			continue;
		while (next < n && rec[next].off <= at)
			heap_push(&h, next++);
		while (h.n && rec[h.v[0]].off + rec[h.v[0]].size <= at)
			heap_pop(&h);
		// A record below the top may have ended: those are dropped lazily
		// when they surface; the top is always live here.
		if (!h.n)
			continue;
		const struct flat_rec *w = &rec[h.v[0]];
		uint64_t pos = w->pos + (at - w->off);
		if (nseg && seg[nseg - 1].off + seg[nseg - 1].size == at &&
		    seg[nseg - 1].pos + seg[nseg - 1].size == pos)
			seg[nseg - 1].size += end - at;
		else
			seg[nseg++] = (struct kd_flat_seg){ .off = at, .size = end - at, .pos = pos };
	}
	free(b);
	free(hv);
	f->flat = seg;
	f->nflat = nseg;
	return NULL;
}

struct kd_error *kd_file_flatten(struct kd_file *f)
{
	unsigned char hdr[32];
	struct kd_error *err = raw_pread(f, hdr, sizeof(hdr), 0);
	if (err)
		return err;
	if (!kd_file_is_flattened(hdr, sizeof(hdr)))
		return kd_error_create(KD_ERR_CORRUPT, "'%s' is not a flattened dump", f->path);
	uint64_t type = be64(hdr + 16), version = be64(hdr + 24);
	if (type != 1)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "flattened dump '%s' has type %llu at offset 0x10 (only 1 is known)",
				       f->path, (unsigned long long)type);
	if (version != 1)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "flattened dump '%s' has version %llu at offset 0x18 (only 1 is known)",
				       f->path, (unsigned long long)version);
	struct flat_rec *rec = NULL;
	size_t n = 0, cap = 0;
	uint64_t pos = FLAT_HEADER_SIZE, lsize = 0;
	bool ended = false;
	// Each record takes at least its 16-byte header: the loop is bounded.
	while (pos < f->raw_size) {
		unsigned char dh[16];
		err = raw_pread(f, dh, sizeof(dh), pos);
		if (err)
			break;
		uint64_t off = be64(dh), size = be64(dh + 8);
		if (off == FLAT_END) {
			ended = true;
			break;
		}
		if (off >= (1ULL << 62) || size > f->raw_size - pos - 16) {
			err = kd_error_create(KD_ERR_CORRUPT,
					      "flattened dump '%s': record at file offset 0x%llx (offset 0x%llx, size 0x%llx) runs past the end of the file (size 0x%llx)",
					      f->path, (unsigned long long)pos, (unsigned long long)off,
					      (unsigned long long)size, (unsigned long long)f->raw_size);
			break;
		}
		if (size) {
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				struct flat_rec *r = realloc(rec, cap * sizeof(*r));
				if (!r) {
					err = &kd_enomem;
					break;
				}
				rec = r;
			}
			rec[n] = (struct flat_rec){ .off = off, .size = size, .pos = pos + 16, .seq = n };
			n++;
			if (off + size > lsize)
				lsize = off + size;
		}
		pos += 16 + size;
	}
	if (!err && !ended)
		err = kd_error_create(KD_ERR_CORRUPT,
				      "flattened dump '%s' has no end marker (truncated at file offset 0x%llx?)",
				      f->path, (unsigned long long)pos);
	if (!err && !n)
		err = kd_error_create(KD_ERR_CORRUPT, "flattened dump '%s' holds no data", f->path);
	if (!err)
		err = flat_resolve(f, rec, n);
	free(rec);
	if (err)
		return err;
	f->nflat_records = n;
	f->size = lsize;
	return NULL;
}
