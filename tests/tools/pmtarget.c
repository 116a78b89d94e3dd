// SPDX-License-Identifier: GPL-3.0-or-later
// pmtarget: a process with known kinds of pages, for pagemap's live tests.
// It maps, in this order, and prints one "KIND ADDRESS PAGES" line each:
//   anon      8 private anonymous pages, written
//   untouched 4 private anonymous pages, never touched (not present)
//   file      4 pages of a file it creates (argv[1]), MAP_SHARED, written
//   shared    4 shared anonymous pages (MAP_SHARED|MAP_ANONYMOUS), written
//   mlocked   4 private anonymous pages, written and mlock()ed
// then "ready" and sleeps until killed.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char *map(const char *kind, int pages, int prot, int flags, int fd, int touch)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, (size_t)pages * ps, prot, flags, fd, 0);
	if (p == MAP_FAILED) {
		perror(kind);
		exit(1);
	}
	madvise(p, (size_t)pages * ps, MADV_NOHUGEPAGE);
	if (touch)
		for (int i = 0; i < pages; i++)
			memset(p + (long)i * ps, 0x40 + i, (size_t)ps);
	printf("%s 0x%lx %d\n", kind, (unsigned long)p, pages);
	return p;
}

int main(int argc, char **argv)
{
	long ps = sysconf(_SC_PAGESIZE);
	if (argc != 2) {
		fprintf(stderr, "usage: pmtarget FILE\n");
		return 2;
	}
	int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 4 * ps)) {
		perror(argv[1]);
		return 1;
	}
	map("anon", 8, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1);
	map("untouched", 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	map("file", 4, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 1);
	map("shared", 4, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 1);
	char *m = map("mlocked", 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1);
	if (mlock(m, 4 * ps))
		perror("mlock");
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
