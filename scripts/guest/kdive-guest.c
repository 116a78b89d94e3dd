// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * kdive-guest: the static helper that runs inside the fixture guest made by
 * scripts/mkvmcore. One binary, several personalities chosen by the name it
 * is run as (symlinks in /bin of the initramfs), so that each process gets a
 * distinct, recognisable comm:
 *
 *   kdive-init     pid 1 after /init: writes the kmsg markers, starts the
 *                  processes below, forks the recorder, then idles.
 *   kdive-marker   maps known data (anonymous and tmpfs-backed pages), starts
 *                  two named threads and pauses.
 *   kdive-sleeper  pauses; started as "kdive-sleeper alpha beta gamma" with
 *                  KDIVE_ENV=marker in its environment.
 *   kdive-zparent  forks a child that renames itself kdive-zombie and exits;
 *                  the parent never waits, so the child stays a zombie.
 *   kdive-crowd    only when the initramfs has /lib/kdive/tasks (mkvmcore
 *                  --tasks N): kdive-init starts N sleeping tasks for the
 *                  scale benchmarks, as processes of up to CROWD_PER_PROC
 *                  threads each, before it records the truth.
 *   kdive-bigmap   only when the initramfs has /lib/kdive/bigmap (mkvmcore
 *                  --bigmap MB): maps MB MiB of anonymous memory (no THP),
 *                  writes a word in each page and pauses; the recorder
 *                  writes its pagemap and each page's kpageflags and
 *                  kpagecount (truth sections bigmap, bigmap_pagemap), for
 *                  the pagemap benchmark and test of a large process.
 *   kdive-spin     truth format 3: a busy loop pinned to the last CPU that
 *                  kdive-init moves into the cgroup /kdive-grp (cpu controller,
 *                  cpu.weight 1), so that the dump has a runnable task in a
 *                  task group (CPU 0 stays idle).
 *   kdive-tunread  truth format 3: opens /dev/net/tun (the tun module), makes
 *                  the interface kdtun0 and blocks in read(): a task asleep in
 *                  a module's code, for bt across module frames.
 *   kdive-panic    only when the initramfs has /lib/kdive/panic (mkvmcore
 *                  --panic): pins itself to the last CPU, waits for SIGUSR1,
 *                  which kdive-init sends after the truth is complete, and
 *                  then writes 'c' to /proc/sysrq-trigger: the kernel panics
 *                  in that task ("sysrq triggered crash").  kdive-init
 *                  records its pid, comm and CPU in the truth section `panic`.
 *                  With /lib/kdive/kdump (mkvmcore --kdump) kdive-init first
 *                  loads the capture kernel there with kexec_file_load(2)
 *                  (truth section `kdump`), so the panic boots it and the
 *                  capture kernel saves /proc/vmcore (see kdump_load()).
 *
 * The recorder (a fork of kdive-init renamed kdive-truth) writes the ground
 * truth to /dev/ttyS1 in the format described in tests/real/README-fixtures.md.
 * It excludes itself from the task list; kdive-init writes the final
 * "#### kdive-truth done" line only after it has reaped the recorder, so the
 * tasks recorded are the tasks present when the host takes the dump (apart
 * from kernel threads that come and go).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <sys/ipc.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

enum {
	ANON_PAGES = 16,
	FILE_PAGES = 4,
	SWAP_PAGES = 8,
	ZOMBIE_EXIT_CODE = 7,
	WAIT_SECONDS = 120,
	CROWD_PER_PROC = 100,
};

// Word w (0-based, 8 bytes, native little-endian) of page p of each region:
//   anon: 0x6b64697661000000 | p << 16 | w     ("kdiva" in the top 5 bytes)
//   file: 0x6b64697666000000 | p << 16 | w     ("kdivf")
//   swap: 0x6b64697673000000 | p << 16 | w     ("kdivs"; paged out to swap)
// The tags are made at run time from a high word kept apart: a literal
// 0x6b64697661000000 would sit in the binary (a movabs immediate, or
// .rodata) and, where the layout puts it on an 8-byte boundary, be found by
// searches of the dump for the marker's patterns (its file pages are in
// memory: the initramfs).
static volatile uint64_t tag_hi = 0x6b646976;
#define ANON_TAG (tag_hi << 32 | 0x61000000)
#define FILE_TAG (tag_hi << 32 | 0x66000000)
#define SWAP_TAG (tag_hi << 32 | 0x73000000)
#define BIG_TAG (tag_hi << 32 | 0x62000000)   // "kdivb": kdive-bigmap's pages
#define ANON_PATTERN "0x6b64697661000000|page<<16|word"
#define FILE_PATTERN "0x6b64697666000000|page<<16|word"
#define SWAP_PATTERN "0x6b64697673000000|page<<16|word"

#define RUNDIR "/run/kdive"
#define MARKER_INFO RUNDIR "/marker.info"
#define ZOMBIE_INFO RUNDIR "/zombie.info"
#define MARKER_FILE RUNDIR "/marker.dat"
#define TRUTH_TTY "/dev/ttyS1"
#define CROWD_CONF "/lib/kdive/tasks"
#define BIGMAP_CONF "/lib/kdive/bigmap"
#define MEMCG_CONF "/lib/kdive/memcg"   // mkvmcore --memcg: the memory controller and its truth
#define BIGMAP_INFO RUNDIR "/bigmap.info"
#define PANIC_CONF "/lib/kdive/panic"
#define PANIC_INFO RUNDIR "/panic.info"
#define KDUMP_DIR "/lib/kdive/kdump"
#define CGROUP_INFO RUNDIR "/cgroup.info"
#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP_NAME "kdive-grp"
#define MEMCG_INFO RUNDIR "/memcg.info"

// Texts written to /dev/kmsg by kdive-init, in order. A leading "<N>" is a
// priority prefix consumed by the kernel, not part of the text; the
// "markers" truth section lists the texts without it.
static const char *const kmsg_markers[] = {
	"kdive-marker: hello from the guest 1",
	"kdive-marker: hello from the guest 2",
	"kdive-marker: hello from the guest 3",
	"<3>kdive-marker: error level line 4",
	"LONG",	// built at run time: marker 5, 300 characters
	"kdive-marker: control byte \x01 in line 6",
	"<14>kdive-marker: hello from the guest 7 (user.info)",
};
enum { NR_MARKERS = sizeof(kmsg_markers) / sizeof(kmsg_markers[0]) };

static const char *const well_known_syms[] = {
	"init_task", "jiffies", "jiffies_64", "linux_banner", "init_top_pgt",
	"swapper_pg_dir", "page_offset_base", "vmemmap_base", "vmalloc_base",
	"prb", "printk_rb_static", "init_mm", "_stext", "_etext", "_text",
	"__start_BTF", "__stop_BTF", "kallsyms_names", "kallsyms_num_syms",
	"kallsyms_token_table", "kallsyms_token_index", "kallsyms_offsets",
	"kallsyms_relative_base", "kallsyms_markers", "schedule", "__schedule",
	"do_exit", "panic", "start_kernel", "modules", "runqueues",
	"__per_cpu_offset", "mem_section", "node_data", "phys_base",
	"init_uts_ns", "_end", "_sdata", "_edata", "__bss_start",
	"vmcoreinfo_data", "vmcoreinfo_note", "log_buf_len",
	"init_pid_ns", "pid_max", "nr_cpu_ids", "cpu_online_mask",
	"__cpu_online_mask", "saved_command_line", "totalram_pages",
	"_totalram_pages", "max_pfn", "slab_caches",
};
enum { NR_WELL_KNOWN = sizeof(well_known_syms) / sizeof(well_known_syms[0]) };

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kdive-guest: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void __attribute__((noreturn)) sleep_forever(void)
{
	for (;;)
		pause();
}

static void marker_text(int i, char *buf, size_t len)
{
	if (strcmp(kmsg_markers[i], "LONG") == 0) {
		static const char fill[] = "abcdefghijklmnopqrstuvwxyz0123456789";
		size_t n;

		n = (size_t)snprintf(buf, len, "kdive-marker: long line 5 ");
		while (n < 300 && n + 1 < len) {
			buf[n] = fill[n % (sizeof(fill) - 1)];
			n++;
		}
		buf[n] = 0;
		return;
	}
	snprintf(buf, len, "%s", kmsg_markers[i]);
}

// The text as it is stored in the log: without a "<N>" priority prefix.
static const char *marker_log_text(const char *s)
{
	if (s[0] == '<') {
		const char *p = s + 1;

		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '>' && p > s + 1)
			return p + 1;
	}
	return s;
}

/* ------------------------------------------------------------------ */
/* kdive-marker                                                        */

struct thr {
	const char *name;
	pid_t tid;
};

static pthread_mutex_t thr_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t thr_cond = PTHREAD_COND_INITIALIZER;
static int thr_ready;

static void *thr_main(void *arg)
{
	struct thr *t = arg;

	prctl(PR_SET_NAME, (unsigned long)t->name, 0, 0, 0);
	pthread_mutex_lock(&thr_lock);
	t->tid = gettid_();
	thr_ready++;
	pthread_cond_broadcast(&thr_cond);
	pthread_mutex_unlock(&thr_lock);
	sleep_forever();
	return NULL;
}

static void fill(void *base, long pagesize, int pages, uint64_t tag)
{
	for (int p = 0; p < pages; p++) {
		uint64_t *w = (uint64_t *)((char *)base + (long)p * pagesize);

		for (long i = 0; i < pagesize / 8; i++)
			w[i] = tag | (uint64_t)p << 16 | (uint64_t)i;
	}
}

static void write_file_atomic(const char *path, const char *text)
{
	char tmp[256];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd))
		die("cannot write %s: %s", tmp, strerror(errno));
	if (rename(tmp, path))
		die("cannot rename %s: %s", tmp, strerror(errno));
}

// Truth format 2: the marker's signal dispositions and pending signals.
//   SIGUSR1 caught (handler marker_sigusr1), SIGPIPE ignored, SIGHUP and
//   SIGUSR2 blocked in every thread, SIGUSR2 pending for the main thread
//   (raise), SIGHUP pending for the process (kill: shared pending).
static void marker_sigusr1(int sig)
{
	(void)sig;
}

enum {
	MARKER_UDP_PORT = 7777,
	MARKER_TCP_PORT = 7778,
	MARKER_SHM_KEY = 0x6b640001,
	MARKER_SEM_KEY = 0x6b640002,
	MARKER_MSG_KEY = 0x6b640003,
	MARKER_SHM_SIZE = 65536,
	MARKER_NSEMS = 3,
};
#define MARKER_MSG_TEXT "kdive-msg"

static int inet_socket(int type, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, type, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    (type == SOCK_STREAM && listen(fd, 4))) {
		fprintf(stderr, "kdive-marker: socket on port %d: %s\n", port, strerror(errno));
		return -1;
	}
	return fd;
}

// The marker's extra state for truth format 2; appends key=value lines to info.
static void marker_extras(char *info, size_t size, int file_fd)
{
	struct sigaction sa = { .sa_handler = marker_sigusr1 };
	struct { long mtype; char mtext[16]; } msg = { 1, MARKER_MSG_TEXT };
	int pfd[2] = { -1, -1 }, sv[2] = { -1, -1 }, udp, tcp, shm, sem, mq;
	sigset_t set;
	void *shmp;

	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	kill(getpid(), SIGHUP);

	if (pipe(pfd))
		fprintf(stderr, "kdive-marker: pipe: %s\n", strerror(errno));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		fprintf(stderr, "kdive-marker: socketpair: %s\n", strerror(errno));
	udp = inet_socket(SOCK_DGRAM, MARKER_UDP_PORT);
	tcp = inet_socket(SOCK_STREAM, MARKER_TCP_PORT);

	shm = shmget(MARKER_SHM_KEY, MARKER_SHM_SIZE, IPC_CREAT | 0600);
	shmp = shm >= 0 ? shmat(shm, NULL, 0) : (void *)-1;
	if (shmp != (void *)-1)
		memset(shmp, 0x5a, MARKER_SHM_SIZE);
	sem = semget(MARKER_SEM_KEY, MARKER_NSEMS, IPC_CREAT | 0600);
	mq = msgget(MARKER_MSG_KEY, IPC_CREAT | 0600);
	if (mq >= 0 && msgsnd(mq, &msg, sizeof(MARKER_MSG_TEXT), 0))
		fprintf(stderr, "kdive-marker: msgsnd: %s\n", strerror(errno));

	snprintf(info + strlen(info), size - strlen(info),
		 "sig_handler=0x%lx\nsig_handled=%d\nsig_ignored=%d\nsig_blocked=%d,%d\n"
		 "sig_pending_thread=%d\nsig_pending_shared=%d\n"
		 "fd_file=%d\nfd_pipe=%d,%d\nfd_unix=%d,%d\nfd_udp=%d\nfd_tcp=%d\n"
		 "udp_port=%d\ntcp_port=%d\n"
		 "shm_key=0x%x\nshm_id=%d\nshm_size=%d\nshm_addr=0x%lx\n"
		 "sem_key=0x%x\nsem_id=%d\nsem_nsems=%d\n"
		 "msg_key=0x%x\nmsg_id=%d\nmsg_text=%s\n",
		 (unsigned long)marker_sigusr1, SIGUSR1, SIGPIPE, SIGHUP, SIGUSR2,
		 SIGUSR2, SIGHUP, file_fd, pfd[0], pfd[1], sv[0], sv[1], udp, tcp,
		 MARKER_UDP_PORT, MARKER_TCP_PORT,
		 MARKER_SHM_KEY, shm, MARKER_SHM_SIZE, (unsigned long)shmp,
		 MARKER_SEM_KEY, sem, MARKER_NSEMS, MARKER_MSG_KEY, mq, MARKER_MSG_TEXT);
}

static int write_str(const char *path, const char *text);

static int marker_main(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	static struct thr thr[2] = { { "kdive-thr1", 0 }, { "kdive-thr2", 0 } };
	pthread_t th;
	char info[2048];
	void *anon, *file, *swap;
	int fd;

	mkdir(RUNDIR, 0755);
	// mkvmcore --memcg: into /kdive-grp (memory controller) before touching
	// any page, so that the marker's pages are charged to its memcg.
	if (access(MEMCG_CONF, F_OK) == 0 && write_str(CGROUP_ROOT "/" CGROUP_NAME "/cgroup.procs", "0"))
		fprintf(stderr, "kdive-marker: cgroup.procs: %s\n", strerror(errno));
	anon = mmap(NULL, ANON_PAGES * ps, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED)
		die("mmap anon: %s", strerror(errno));
	madvise(anon, ANON_PAGES * ps, MADV_NOHUGEPAGE);
	fill(anon, ps, ANON_PAGES, ANON_TAG);

	fd = open(MARKER_FILE, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, FILE_PAGES * ps))
		die("%s: %s", MARKER_FILE, strerror(errno));
	file = mmap(NULL, FILE_PAGES * ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (file == MAP_FAILED)
		die("mmap file: %s", strerror(errno));
	fill(file, ps, FILE_PAGES, FILE_TAG);
	// Truth format 3: pages written, then pushed out to the swap device
	// (MADV_PAGEOUT, Linux 5.4+): their pagemap entries hold swap entries.
	swap = mmap(NULL, SWAP_PAGES * ps, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (swap == MAP_FAILED)
		die("mmap swap: %s", strerror(errno));
	madvise(swap, SWAP_PAGES * ps, MADV_NOHUGEPAGE);
	fill(swap, ps, SWAP_PAGES, SWAP_TAG);
	if (madvise(swap, SWAP_PAGES * ps, MADV_PAGEOUT))
		fprintf(stderr, "kdive-marker: MADV_PAGEOUT: %s\n", strerror(errno));
	// Before the threads start, so that they inherit the blocked mask.
	info[0] = 0;
	marker_extras(info, sizeof(info), fd);
	char *extra = strdup(info);

	for (int i = 0; i < 2; i++)
		if (pthread_create(&th, NULL, thr_main, &thr[i]))
			die("pthread_create failed");
	pthread_mutex_lock(&thr_lock);
	while (thr_ready < 2)
		pthread_cond_wait(&thr_cond, &thr_lock);
	pthread_mutex_unlock(&thr_lock);

	snprintf(info, sizeof(info),
		 "pid=%d\ncomm=kdive-marker\n"
		 "anon_addr=0x%lx\nanon_pages=%d\nanon_pattern=%s\n"
		 "file_addr=0x%lx\nfile_pages=%d\nfile_path=%s\nfile_pattern=%s\n"
		 "swap_addr=0x%lx\nswap_pages=%d\nswap_pattern=%s\n"
		 "thread1_tid=%d\nthread1_comm=%s\nthread2_tid=%d\nthread2_comm=%s\n"
		 "tids=%d,%d,%d\n",
		 getpid(), (unsigned long)anon, ANON_PAGES, ANON_PATTERN,
		 (unsigned long)file, FILE_PAGES, MARKER_FILE, FILE_PATTERN,
		 (unsigned long)swap, SWAP_PAGES, SWAP_PATTERN,
		 thr[0].tid, thr[0].name, thr[1].tid, thr[1].name,
		 getpid(), thr[0].tid, thr[1].tid);
	if (extra)
		snprintf(info + strlen(info), sizeof(info) - strlen(info), "%s", extra);
	free(extra);
	write_file_atomic(MARKER_INFO, info);
	sleep_forever();
}

/* ------------------------------------------------------------------ */
/* kdive-crowd                                                         */

static void *crowd_thread(void *arg)
{
	(void)arg;
	sleep_forever();
	return NULL;
}

// "kdive-crowd N": this process and N - 1 threads, all asleep; writes
// RUNDIR/crowd.PID once they all exist.
static int crowd_main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	pthread_attr_t attr;
	pthread_t th;
	char path[64];

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 16384);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (int i = 1; i < n; i++)
		if (pthread_create(&th, &attr, crowd_thread, NULL))
			die("kdive-crowd: pthread_create failed after %d threads", i);
	snprintf(path, sizeof(path), RUNDIR "/crowd.%d", getpid());
	write_file_atomic(path, "ready\n");
	sleep_forever();
}

/* ------------------------------------------------------------------ */
/* kdive-bigmap                                                        */

// "kdive-bigmap MB": MB MiB of private anonymous memory in 4 KiB pages
// (MADV_NOHUGEPAGE), the first word of each page written (BIG_TAG | page
// number); writes BIGMAP_INFO and pauses.
static int bigmap_main(int argc, char **argv)
{
	long ps = sysconf(_SC_PAGESIZE), mb = argc > 1 ? atol(argv[1]) : 0;
	long pages = mb * (1024 * 1024 / ps);
	char info[256];
	uint8_t *base;

	if (mb <= 0)
		die("kdive-bigmap: wants a size in MB");
	base = mmap(NULL, (size_t)pages * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		die("kdive-bigmap: mmap %ld MB: %s", mb, strerror(errno));
	madvise(base, (size_t)pages * ps, MADV_NOHUGEPAGE);
	for (long i = 0; i < pages; i++)
		*(volatile uint64_t *)(base + i * ps) = BIG_TAG | (uint64_t)i << 16;
	snprintf(info, sizeof(info), "bigmap_pid=%d\nbigmap_addr=0x%lx\nbigmap_pages=%ld\nbigmap_mb=%ld\n",
		 getpid(), (unsigned long)base, pages, mb);
	write_file_atomic(BIGMAP_INFO, info);
	sleep_forever();
}

/* ------------------------------------------------------------------ */
/* kdive-zparent                                                       */

static int zparent_main(void)
{
	char info[256];
	pid_t pid;

	mkdir(RUNDIR, 0755);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_NAME, (unsigned long)"kdive-zombie", 0, 0, 0);
		_exit(ZOMBIE_EXIT_CODE);
	}
	snprintf(info, sizeof(info),
		 "zombie_pid=%d\nzombie_ppid=%d\nzombie_comm=kdive-zombie\n"
		 "zombie_parent_comm=kdive-zparent\nzombie_exit_code=%d\n",
		 pid, getpid(), ZOMBIE_EXIT_CODE);
	write_file_atomic(ZOMBIE_INFO, info);
	// Never wait: SIGCHLD keeps its default action, the child stays a zombie.
	sleep_forever();
}

/* ------------------------------------------------------------------ */
/* recorder                                                            */

static FILE *out;

static void begin(const char *name)
{
	fprintf(out, "#### begin %s\n", name);
}

static void end(const char *name)
{
	fprintf(out, "#### end %s\n", name);
	fflush(out);
}

static char *read_whole(const char *path, size_t *lenp)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap + 1);
	int fd = open(path, O_RDONLY);

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			if (!buf)
				die("out of memory");
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = 0;
	if (lenp)
		*lenp = len;
	return buf;
}

static void put_text(const char *buf, size_t len)
{
	fwrite(buf, 1, len, out);
	if (len && buf[len - 1] != '\n')
		fputc('\n', out);
}

static void cat_section(const char *name, const char *path)
{
	size_t len;
	char *buf = read_whole(path, &len);

	begin(name);
	if (buf)
		put_text(buf, len);
	else
		fprintf(stderr, "kdive-truth: cannot read %s: %s\n", path, strerror(errno));
	free(buf);
	end(name);
}

static void cpuinfo_sections(void)
{
	char *buf = read_whole("/proc/cpuinfo", NULL);
	char *flags = NULL, *p;
	int la57 = 0;

	if (buf) {
		for (p = strtok(buf, "\n"); p; p = strtok(NULL, "\n")) {
			if (strncmp(p, "flags", 5) == 0 && strchr(p, ':')) {
				flags = strchr(p, ':') + 1;
				while (*flags == ' ')
					flags++;
				break;
			}
		}
	}
	begin("cpuinfo_flags");
	if (flags) {
		char tmp[16];

		fprintf(out, "%s\n", flags);
		for (p = flags; *p;) {
			size_t n = strcspn(p, " ");

			if (n < sizeof(tmp)) {
				memcpy(tmp, p, n);
				tmp[n] = 0;
				if (strcmp(tmp, "la57") == 0)
					la57 = 1;
			}
			p += n;
			p += strspn(p, " ");
		}
	}
	end("cpuinfo_flags");
	begin("la57");
	fprintf(out, "%d\n", la57);
	end("la57");
	free(buf);
}

struct task_line {
	long pid;
	char *text;
};

static int cmp_task(const void *a, const void *b)
{
	const struct task_line *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int numeric(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static void tasks_section(void)
{
	struct task_line *v = NULL;
	size_t n = 0, cap = 0;
	DIR *d = opendir("/proc"), *td;
	struct dirent *e, *te;
	pid_t self = getpid();

	while (d && (e = readdir(d))) {
		char path[300];

		if (!numeric(e->d_name) || atol(e->d_name) == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", e->d_name);
		td = opendir(path);
		while (td && (te = readdir(td))) {
			char spath[600], *buf, *l, *r, state;
			long ppid;

			if (!numeric(te->d_name))
				continue;
			snprintf(spath, sizeof(spath), "%s/%s/stat", path, te->d_name);
			buf = read_whole(spath, NULL);
			if (!buf)
				continue;
			// "tid (comm) S ppid ..."; comm may hold spaces and ')'.
			l = strchr(buf, '(');
			r = strrchr(buf, ')');
			if (l && r && r > l && sscanf(r + 1, " %c %ld", &state, &ppid) == 2) {
				if (n == cap) {
					cap = cap ? cap * 2 : 256;
					v = realloc(v, cap * sizeof(*v));
					if (!v)
						die("out of memory");
				}
				*r = 0;
				v[n].pid = atol(te->d_name);
				if (asprintf(&v[n].text, "%s %ld %s %c %s", te->d_name, ppid,
					     e->d_name, state, l + 1) < 0)
					die("out of memory");
				n++;
			}
			free(buf);
		}
		if (td)
			closedir(td);
	}
	if (d)
		closedir(d);
	qsort(v, n, sizeof(*v), cmp_task);
	begin("tasks");
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s\n", v[i].text);
		free(v[i].text);
	}
	end("tasks");
	free(v);
}

static unsigned long info_ul(const char *info, const char *key)
{
	const char *p = info;
	size_t kl = strlen(key);

	while (p && *p) {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=')
			return strtoul(p + kl + 1, NULL, 0);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

static int pread_u64(int fd, off_t off, uint64_t *v)
{
	return pread(fd, v, 8, off) == 8 ? 0 : -1;
}

static void pagemap_lines(pid_t pid, unsigned long addr, int pages, const char *kind)
{
	long ps = sysconf(_SC_PAGESIZE);
	char path[64];
	int pm, kf, kc;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	pm = open(path, O_RDONLY);
	kf = open("/proc/kpageflags", O_RDONLY);
	kc = open("/proc/kpagecount", O_RDONLY);
	for (int i = 0; i < pages; i++) {
		unsigned long va = addr + (unsigned long)i * ps;
		uint64_t e = 0, flags, count;
		uint64_t pfn;
		int present;

		if (pm < 0 || pread_u64(pm, (off_t)(va / ps) * 8, &e)) {
			fprintf(out, "0x%lx - - - - - - %s\n", va, kind);
			continue;
		}
		present = (int)(e >> 63 & 1);
		pfn = e & ((1ULL << 55) - 1);
		fprintf(out, "0x%lx 0x%016" PRIx64 " %d %d 0x%" PRIx64, va, e, present,
			(int)(e >> 62 & 1), present ? pfn : 0);
		if (present && pfn && kf >= 0 && !pread_u64(kf, (off_t)pfn * 8, &flags))
			fprintf(out, " 0x%016" PRIx64, flags);
		else
			fprintf(out, " -");
		if (present && pfn && kc >= 0 && !pread_u64(kc, (off_t)pfn * 8, &count))
			fprintf(out, " %" PRIu64, count);
		else
			fprintf(out, " -");
		fprintf(out, " %s\n", kind);
	}
	if (pm >= 0)
		close(pm);
	if (kf >= 0)
		close(kf);
	if (kc >= 0)
		close(kc);
}

// mkvmcore --bigmap: kdive-bigmap's every page in runs, one line a run:
// "VADDR PAGES ENTRY KPAGEFLAGS KPAGECOUNT", the /proc/PID/pagemap entry
// of the run's first page (the next pages' entries add 1 a page when
// present, are equal otherwise) and the flags and count every page of the
// run shares ("-" when not present).  The files are read whole: a pread a
// page would take minutes under TCG.
static void bigmap_sections(void)
{
	char *info = read_whole(BIGMAP_INFO, NULL), path[64];
	long ps = sysconf(_SC_PAGESIZE);
	size_t flen = 0, clen = 0;
	uint64_t *kf, *kc, *pm;

	if (!info)
		return;
	pid_t pid = (pid_t)info_ul(info, "bigmap_pid");
	unsigned long addr = info_ul(info, "bigmap_addr"), pages = info_ul(info, "bigmap_pages");
	begin("bigmap");
	put_text(info, strlen(info));
	end("bigmap");
	free(info);
	kf = (uint64_t *)read_whole("/proc/kpageflags", &flen);
	kc = (uint64_t *)read_whole("/proc/kpagecount", &clen);
	pm = malloc(pages * 8);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	int fd = open(path, O_RDONLY);
	size_t got = 0;
	while (fd >= 0 && pm && got < pages * 8) {
		ssize_t n = pread(fd, (char *)pm + got, pages * 8 - got, (off_t)(addr / ps * 8 + got));
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	begin("bigmap_pagemap");
	fprintf(out, "# vaddr pages pagemap_entry kpageflags kpagecount\n");
	for (unsigned long i = 0; kf && kc && pm && i < got / 8;) {
		uint64_t e = pm[i], pfn = e & ((1ULL << 55) - 1);
		int present = (int)(e >> 63 & 1);
		uint64_t f = 0, c = 0;
		if (present && (pfn + 1) * 8 <= flen && (pfn + 1) * 8 <= clen) {
			f = kf[pfn];
			c = kc[pfn];
		}
		unsigned long j = i + 1;
		for (; j < got / 8; j++) {
			uint64_t ej = pm[j], pj = ej & ((1ULL << 55) - 1);
			if (ej != e + (present ? j - i : 0))
				break;
			if (present && ((pj + 1) * 8 > flen || (pj + 1) * 8 > clen || kf[pj] != f || kc[pj] != c))
				break;
		}
		if (present)
			fprintf(out, "0x%lx %lu 0x%016" PRIx64 " 0x%016" PRIx64 " %" PRIu64 "\n",
				addr + i * ps, j - i, e, f, c);
		else
			fprintf(out, "0x%lx %lu 0x%016" PRIx64 " - -\n", addr + i * ps, j - i, e);
		i = j;
	}
	end("bigmap_pagemap");
	free(kf);
	free(kc);
	free(pm);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void kallsyms_sections(void)
{
	char *buf = read_whole("/proc/kallsyms", NULL), *line, *next;
	char **core = NULL, *found[NR_WELL_KNOWN] = { 0 };
	size_t n = 0, cap = 0;
	char cmd[] = "sha256sum", hex[128] = "";
	int to[2], from[2];
	pid_t pid;

	for (line = buf; line && *line; line = next) {
		char *sp1, *sp2;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		else
			next = line + strlen(line);
		// Core lines are "address type name"; module lines add "\t[mod]".
		if (strchr(line, '\t') || strchr(line, '['))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			core = realloc(core, cap * sizeof(*core));
			if (!core)
				die("out of memory");
		}
		core[n++] = line;
		sp1 = strchr(line, ' ');
		sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		if (!sp2)
			continue;
		for (int i = 0; i < NR_WELL_KNOWN; i++)
			if (!found[i] && strcmp(sp2 + 1, well_known_syms[i]) == 0)
				found[i] = line;
	}

	begin("kallsyms");
	for (int i = 0; i < NR_WELL_KNOWN; i++) {
		char addr[32], type;

		if (found[i] && sscanf(found[i], "%31s %c", addr, &type) == 2)
			fprintf(out, "%s %s %c\n", well_known_syms[i], addr, type);
	}
	end("kallsyms");

	// sha256 of the core lines sorted bytewise (LC_ALL=C sort), "\n"-ended.
	qsort(core, n, sizeof(*core), cmp_str);
	if (pipe(to) || pipe(from))
		die("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[0]);
		close(to[1]);
		close(from[0]);
		close(from[1]);
		execl("/bin/sha256sum", cmd, (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	{
		// The digest is 64 bytes and only comes at EOF: no deadlock.
		FILE *w = fdopen(to[1], "w");

		for (size_t i = 0; i < n; i++)
			fprintf(w, "%s\n", core[i]);
		fclose(w);
	}
	{
		ssize_t r = read(from[0], hex, sizeof(hex) - 1);

		hex[r > 0 ? r : 0] = 0;
		hex[strcspn(hex, " \n")] = 0;
	}
	close(from[0]);
	waitpid(pid, NULL, 0);
	begin("kallsyms_core");
	fprintf(out, "count %zu\nsha256 %s\n", n, hex);
	end("kallsyms_core");
	free(core);
	free(buf);
}

// The VMCOREINFO note text, from /proc/kcore's PT_NOTE (the kernel copies
// vmcoreinfo_data there; it is the same text as the note at the physical
// address /sys/kernel/vmcoreinfo gives).
static void kcore_vmcoreinfo(void)
{
	int fd = open("/proc/kcore", O_RDONLY);
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (fd < 0 || pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		goto fail;
	for (int i = 0; i < eh.e_phnum; i++) {
		char *notes;
		size_t off = 0;

		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (uint64_t)i * eh.e_phentsize)) != sizeof(ph))
			goto fail;
		if (ph.p_type != PT_NOTE)
			continue;
		notes = malloc(ph.p_filesz);
		if (!notes || pread(fd, notes, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz) {
			free(notes);
			goto fail;
		}
		while (off + sizeof(Elf64_Nhdr) <= ph.p_filesz) {
			Elf64_Nhdr *nh = (Elf64_Nhdr *)(notes + off);
			size_t name_off = off + sizeof(*nh);
			size_t desc_off = name_off + ((nh->n_namesz + 3) & ~3u);
			size_t next = desc_off + ((nh->n_descsz + 3) & ~3u);

			if (next > ph.p_filesz)
				break;
			if (nh->n_namesz == 11 && memcmp(notes + name_off, "VMCOREINFO", 11) == 0) {
				size_t len = strnlen(notes + desc_off, nh->n_descsz);

				put_text(notes + desc_off, len);
				free(notes);
				close(fd);
				return;
			}
			off = next;
		}
		free(notes);
	}
fail:
	fprintf(stderr, "kdive-truth: no VMCOREINFO note in /proc/kcore\n");
	if (fd >= 0)
		close(fd);
}

static void kmsg_section(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	static char rec[16384];

	begin("kmsg");
	while (fd >= 0) {
		ssize_t n = read(fd, rec, sizeof(rec));

		if (n < 0 && (errno == EPIPE || errno == EINTR))
			continue;	// a record was overwritten: go on
		if (n <= 0)
			break;
		put_text(rec, (size_t)n);
	}
	if (fd >= 0)
		close(fd);
	end("kmsg");
}

static void run_section(const char *name, const char *prog)
{
	pid_t pid;

	begin(name);
	fflush(out);
	pid = fork();
	if (pid == 0) {
		dup2(fileno(out), 1);
		execl(prog, strrchr(prog, '/') + 1, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	end(name);
}

/*
 * Only in fixtures made with mkvmcore --with-kdive: run the kdive build the
 * host copied to /kdive on the live /proc/kcore, and record its stdout,
 * stderr and exit code (sections NAME, NAME_err, NAME_rc).  The jiffies
 * value from /proc/timer_list before and after bounds what kdive read.
 */
#define KDIVE_BIN "/kdive/bin/kdive"

static void timer_list_jiffies(const char *name)
{
	char *s = read_whole("/proc/timer_list", NULL), *p = s;

	begin(name);
	while (p && (p = strstr(p, "jiffies: "))) {
		if (p == s || p[-1] == '\n') {
			fprintf(out, "%llu\n", strtoull(p + 9, NULL, 10));
			break;
		}
		p++;
	}
	free(s);
	end(name);
}

static void kdive_section(const char *name, const char *cmds, int with_dump)
{
	static const char ofile[] = "/tmp/kdive.out", efile[] = "/tmp/kdive.err";
	char *const envp[] = { "PATH=/bin", "HOME=/tmp", "TERM=dumb",
			       "KDIVE_MODULE_PATH=/kdive/commands", NULL };
	char sec[64];
	int status = 0;
	pid_t pid;

	fflush(out);
	pid = fork();
	if (pid == 0) {
		int o = open(ofile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(efile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int n = open("/dev/null", O_RDONLY);

		if (o < 0 || e < 0 || n < 0)
			_exit(126);
		dup2(n, 0);
		dup2(o, 1);
		dup2(e, 2);
		if (with_dump)
			execle(KDIVE_BIN, "kdive", "-n", "-c", cmds, "/proc/kcore", (char *)NULL, envp);
		else
			execle(KDIVE_BIN, "kdive", "-n", "-c", cmds, (char *)NULL, envp);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = 127 << 8;
	cat_section(name, ofile);
	snprintf(sec, sizeof(sec), "%s_err", name);
	cat_section(sec, efile);
	snprintf(sec, sizeof(sec), "%s_rc", name);
	begin(sec);
	fprintf(out, "%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	end(sec);
}

static void kcore_sections(void)
{
	if (access(KDIVE_BIN, X_OK) != 0)
		return;
	timer_list_jiffies("kcore_jiffies_before");
	kdive_section("kcore_sys", "sys", 1);
	kdive_section("kcore_rd", "rd -64 jiffies 1", 1);
	kdive_section("kcore_log", "log | tail -n 3", 1);
	kdive_section("kcore_ps", "ps | head", 1);
	kdive_section("kcore_all", "sys; rd -64 jiffies 1; log | tail -n 3; ps | head", 1);
	timer_list_jiffies("kcore_jiffies_after");
	kdive_section("kcore_noarg", "sys; rd -64 jiffies 1", 0);
}

struct pids {
	pid_t marker, sleeper, zparent, spin, tunread;
};

/* ------------------------------------------------------------------ */
/* truth format 2 sections                                             */

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

// The numeric entries of a /proc directory, sorted; *n their count.
static long *proc_numbers(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long *v = NULL;
	size_t cap = 0;

	*n = 0;
	while (d && (e = readdir(d))) {
		if (!numeric(e->d_name))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				die("out of memory");
		}
		v[(*n)++] = atol(e->d_name);
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_long);
	return v;
}

static void task_comm(long tgid, long tid, char *buf, size_t size)
{
	char path[96], *c;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/comm", tgid, tid);
	c = read_whole(path, NULL);
	snprintf(buf, size, "%s", c ? c : "?");
	buf[strcspn(buf, "\n")] = 0;
	free(c);
}

// "fd target" for each open file descriptor of pid, by fd number.
static void fds_section(const char *name, pid_t pid)
{
	char dir[64], path[96], target[512];
	size_t n;
	long *fds;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	fds = proc_numbers(dir, &n);
	begin(name);
	for (size_t i = 0; i < n; i++) {
		ssize_t len;

		snprintf(path, sizeof(path), "%s/%ld", dir, fds[i]);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = 0;
		fprintf(out, "%ld %s\n", fds[i], target);
	}
	end(name);
	free(fds);
}

// The kernel stack (/proc/TGID/task/TID/stack) of the chosen threads:
// "task TID COMM" then the lines as the kernel prints them.
static void stack_of(long tgid, long tid)
{
	char path[96], comm[64], *st;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/stack", tgid, tid);
	st = read_whole(path, NULL);
	if (!st)
		return;
	task_comm(tgid, tid, comm, sizeof(comm));
	fprintf(out, "task %ld %s\n", tid, comm);
	put_text(st, strlen(st));
	free(st);
}

static void stacks_section(const struct pids *pids, const char *minfo)
{
	size_t n;
	long *all = proc_numbers("/proc", &n);
	char comm[64];

	begin("stacks");
	stack_of(1, 1);
	stack_of(2, 2);
	for (size_t i = 0; i < n; i++) {
		task_comm(all[i], all[i], comm, sizeof(comm));
		if (strcmp(comm, "ksoftirqd/0") == 0 || strcmp(comm, "kcompactd0") == 0)
			stack_of(all[i], all[i]);
	}
	stack_of(pids->marker, pids->marker);
	stack_of(pids->marker, (long)info_ul(minfo, "thread1_tid"));
	stack_of(pids->marker, (long)info_ul(minfo, "thread2_tid"));
	stack_of(pids->sleeper, pids->sleeper);
	stack_of(pids->zparent, pids->zparent);
	end("stacks");
	free(all);
}

// Truth format 3: the kernel stack of every thread of every process (at
// most STACKS_ALL_MAX, in pid order), in the format of `stacks`.  Tasks that
// run or wake between this and the dump may show other frames then.
enum { STACKS_ALL_MAX = 1000 };

static void stacks_all_section(void)
{
	size_t n, done = 0;
	long *all = proc_numbers("/proc", &n);

	begin("stacks_all");
	for (size_t i = 0; i < n && done < STACKS_ALL_MAX; i++) {
		char dir[64];
		size_t nt;
		long *tids;

		if (all[i] == getpid())
			continue;
		snprintf(dir, sizeof(dir), "/proc/%ld/task", all[i]);
		tids = proc_numbers(dir, &nt);
		for (size_t j = 0; j < nt && done < STACKS_ALL_MAX; j++, done++)
			stack_of(all[i], tids[j]);
		free(tids);
	}
	end("stacks_all");
	free(all);
}

// The first line of a small sysfs file, or "-".
static void sysfs_word(const char *path, char *buf, size_t size)
{
	char *v = read_whole(path, NULL);

	snprintf(buf, size, "%s", v && *v ? v : "-");
	buf[strcspn(buf, "\n")] = 0;
	free(v);
}

// Truth format 3: "SLOT VENDOR DEVICE CLASS SUBVENDOR SUBDEVICE IRQ" for each
// PCI function in /sys/bus/pci/devices, sorted by slot.
static void pci_section(void)
{
	static const char *const attrs[] = { "vendor", "device", "class",
					      "subsystem_vendor", "subsystem_device", "irq" };
	const char *base = "/sys/bus/pci/devices";
	struct dirent **ents = NULL;
	int n = scandir(base, &ents, NULL, alphasort);

	begin("pci");
	fprintf(out, "# slot vendor device class subsystem_vendor subsystem_device irq\n");
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			fprintf(out, "%s", ents[i]->d_name);
			for (size_t a = 0; a < sizeof(attrs) / sizeof(attrs[0]); a++) {
				char path[512], v[64];

				snprintf(path, sizeof(path), "%s/%s/%s", base, ents[i]->d_name,
					 attrs[a]);
				sysfs_word(path, v, sizeof(v));
				fprintf(out, " %s", v);
			}
			fputc('\n', out);
		}
		free(ents[i]);
	}
	free(ents);
	end("pci");
}

// Truth format 3: each loaded module's section addresses and build ID:
// "MODULE SECTION 0xADDR" for every file in /sys/module/M/sections, then
// "MODULE build-id HEX" from /sys/module/M/notes/.note.gnu.build-id.
static void module_sections_section(void)
{
	struct dirent **mods = NULL;
	int n = scandir("/sys/module", &mods, NULL, alphasort);

	begin("module_sections");
	for (int i = 0; i < n; i++) {
		const char *m = mods[i]->d_name;
		char dir[320], path[640];
		struct dirent **secs = NULL;
		int ns;

		snprintf(dir, sizeof(dir), "/sys/module/%s/sections", m);
		ns = m[0] == '.' ? -1 : scandir(dir, &secs, NULL, alphasort);
		for (int j = 0; j < ns; j++) {
			char v[64];

			if (secs[j]->d_name[0] != '.' || strcmp(secs[j]->d_name, ".") == 0 ||
			    strcmp(secs[j]->d_name, "..") == 0) {
				free(secs[j]);
				continue;
			}
			snprintf(path, sizeof(path), "%s/%s", dir, secs[j]->d_name);
			sysfs_word(path, v, sizeof(v));
			fprintf(out, "%s %s %s\n", m, secs[j]->d_name, v);
			free(secs[j]);
		}
		free(secs);
		if (ns >= 0) {
			size_t len;
			char *note;

			snprintf(path, sizeof(path), "/sys/module/%s/notes/.note.gnu.build-id", m);
			note = read_whole(path, &len);
			// Elf_Nhdr (namesz, descsz, type), the name "GNU\0", then the ID.
			if (note && len >= 16) {
				uint32_t namesz, descsz;
				size_t off;

				memcpy(&namesz, note, 4);
				memcpy(&descsz, note + 4, 4);
				off = 12 + ((namesz + 3) & ~3u);
				if (off + descsz <= len) {
					fprintf(out, "%s build-id ", m);
					for (uint32_t k = 0; k < descsz; k++)
						fprintf(out, "%02x", (unsigned char)note[off + k]);
					fputc('\n', out);
				}
			}
			free(note);
		}
		free(mods[i]);
	}
	free(mods);
	end("module_sections");
}

// /proc/PID/maps of every process with a user address space:
// "task PID COMM" then its maps lines.
static void maps_section(void)
{
	size_t n;
	long *all = proc_numbers("/proc", &n);
	char path[64], comm[64];

	begin("maps");
	for (size_t i = 0; i < n; i++) {
		char *m;

		if (all[i] == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/maps", all[i]);
		m = read_whole(path, NULL);
		if (m && *m) {
			task_comm(all[i], all[i], comm, sizeof(comm));
			fprintf(out, "task %ld %s\n", all[i], comm);
			put_text(m, strlen(m));
		}
		free(m);
	}
	end("maps");
	free(all);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

// A /proc file of one u64 per pfn (kpageflags, kpagecgroup) summarised as
// "pfns N", then "VALUE pages" per distinct value, by value (VALUE in
// 16-digit hexadecimal when hex, else decimal).
static void pfn_census(const char *path, const char *section, int hex)
{
	size_t len;
	char *buf = read_whole(path, &len);
	uint64_t *v = (uint64_t *)buf;
	size_t n = len / 8;

	begin(section);
	if (buf) {
		qsort(v, n, sizeof(*v), cmp_u64);
		fprintf(out, "pfns %zu\n", n);
		for (size_t i = 0; i < n;) {
			size_t j = i;

			while (j < n && v[j] == v[i])
				j++;
			if (hex)
				fprintf(out, "0x%016" PRIx64 " %zu\n", v[i], j - i);
			else
				fprintf(out, "%" PRIu64 " %zu\n", v[i], j - i);
			i = j;
		}
	}
	end(section);
	free(buf);
}

// /proc/kpageflags over every pfn: "flags pages" per distinct value.
static void kpageflags_census(void)
{
	pfn_census("/proc/kpageflags", "kpageflags_census", 1);
}

// mkvmcore --memcg: /proc/kpagecgroup over every pfn: "ino pages" per
// distinct cgroup inode (0: charged to no memory cgroup).
static void kpagecgroup_census(void)
{
	pfn_census("/proc/kpagecgroup", "kpagecgroup_census", 0);
}

// mkvmcore --memcg: "INO PATH" for every directory under /sys/fs/cgroup
// (st_ino, the kernfs node id that /proc/kpagecgroup reports), the root as
// "/", depth first, by name.
static void cgroup_dirs(const char *rel)
{
	char path[600], sub[512];
	struct dirent **ents;
	struct stat st;
	int n;

	snprintf(path, sizeof(path), CGROUP_ROOT "%s", rel);
	if (stat(path, &st) == 0)
		fprintf(out, "%lu %s\n", (unsigned long)st.st_ino, *rel ? rel : "/");
	n = scandir(path, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *d = ents[i]->d_name;

		if (strcmp(d, ".") && strcmp(d, "..") && strlen(rel) < 256) {
			snprintf(sub, sizeof(sub), "%s/%s", rel, d);
			snprintf(path, sizeof(path), CGROUP_ROOT "%s", sub);
			if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
				cgroup_dirs(sub);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

// mkvmcore --memcg: per marker page "vaddr pfn kpagecgroup kind" (as the
// pagemap section; "-" for pfn and inode when the page is not present).
static void kpagecgroup_lines(pid_t pid, unsigned long addr, int pages, const char *kind)
{
	long ps = sysconf(_SC_PAGESIZE);
	char path[64];
	int pm, kc;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	pm = open(path, O_RDONLY);
	kc = open("/proc/kpagecgroup", O_RDONLY);
	for (int i = 0; i < pages; i++) {
		unsigned long va = addr + (unsigned long)i * ps;
		uint64_t e = 0, pfn, ino;

		if (pm < 0 || pread_u64(pm, (off_t)(va / ps) * 8, &e) || !(e >> 63 & 1) ||
		    !(pfn = e & ((1ULL << 55) - 1))) {
			fprintf(out, "0x%lx - - %s\n", va, kind);
			continue;
		}
		if (kc >= 0 && !pread_u64(kc, (off_t)pfn * 8, &ino))
			fprintf(out, "0x%lx 0x%" PRIx64 " %" PRIu64 " %s\n", va, pfn, ino, kind);
		else
			fprintf(out, "0x%lx 0x%" PRIx64 " - %s\n", va, pfn, kind);
	}
	if (pm >= 0)
		close(pm);
	if (kc >= 0)
		close(kc);
}

static void truth4_sections(const struct pids *pids, const char *minfo)
{
	char path[64];

	cat_section("memcg", MEMCG_INFO);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pids->marker);
	cat_section("marker_cgroup", path);
	begin("cgroup_inodes");
	cgroup_dirs("");
	end("cgroup_inodes");
	begin("marker_kpagecgroup");
	kpagecgroup_lines(pids->marker, info_ul(minfo, "anon_addr"), ANON_PAGES, "anon");
	kpagecgroup_lines(pids->marker, info_ul(minfo, "file_addr"), FILE_PAGES, "file");
	kpagecgroup_lines(pids->marker, info_ul(minfo, "swap_addr"), SWAP_PAGES, "swap");
	end("marker_kpagecgroup");
	kpagecgroup_census();
}

// Each hugepage size: "SIZE_KB nr free resv surplus".
static void hugepages_section(void)
{
	static const char *const keys[] = { "nr_hugepages", "free_hugepages",
					     "resv_hugepages", "surplus_hugepages" };
	const char *base = "/sys/kernel/mm/hugepages";
	DIR *d = opendir(base);
	struct dirent *e;

	begin("hugepages");
	fprintf(out, "# size_kb nr_hugepages free_hugepages resv_hugepages surplus_hugepages\n");
	while (d && (e = readdir(d))) {
		unsigned long kb;

		if (sscanf(e->d_name, "hugepages-%lukB", &kb) != 1)
			continue;
		fprintf(out, "%lu", kb);
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			char path[320], *v;

			snprintf(path, sizeof(path), "%s/%s/%s", base, e->d_name, keys[i]);
			v = read_whole(path, NULL);
			fprintf(out, " %lu", v ? strtoul(v, NULL, 10) : 0UL);
			free(v);
		}
		fputc('\n', out);
	}
	if (d)
		closedir(d);
	end("hugepages");
}

static void truth2_sections(const struct pids *pids, const char *minfo)
{
	static const char *const cats[][2] = {
		{ "swaps", "/proc/swaps" },
		{ "mounts", "/proc/mounts" },
		{ "net_dev", "/proc/net/dev" },
		{ "net_arp", "/proc/net/arp" },
		{ "net_tcp", "/proc/net/tcp" },
		{ "net_udp", "/proc/net/udp" },
		{ "net_unix", "/proc/net/unix" },
		{ "interrupts", "/proc/interrupts" },
		{ "softirqs", "/proc/softirqs" },
		{ "timer_list", "/proc/timer_list" },
		{ "sched_debug", "/sys/kernel/debug/sched/debug" },
		{ "devices", "/proc/devices" },
		{ "ioports", "/proc/ioports" },
		{ "partitions", "/proc/partitions" },
		{ "misc", "/proc/misc" },
		{ "sysvipc_shm", "/proc/sysvipc/shm" },
		{ "sysvipc_sem", "/proc/sysvipc/sem" },
		{ "sysvipc_msg", "/proc/sysvipc/msg" },
		{ "loadavg", "/proc/loadavg" },
		{ "uptime", "/proc/uptime" },
		{ "hostname", "/proc/sys/kernel/hostname" },
		{ "version", "/proc/version" },
		{ "tainted", "/proc/sys/kernel/tainted" },
	};

	for (size_t i = 0; i < sizeof(cats) / sizeof(cats[0]); i++)
		cat_section(cats[i][0], cats[i][1]);
	fds_section("marker_fds", pids->marker);
	stacks_section(pids, minfo);
	maps_section();
	kpageflags_census();
	// Truth format 3.
	stacks_all_section();
	pci_section();
	module_sections_section();
	cat_section("cgroup", CGROUP_INFO);
	{
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/cgroup", pids->spin);
		cat_section("spin_cgroup", path);
	}
	if (access(MEMCG_CONF, F_OK) == 0)
		truth4_sections(pids, minfo);
}

static int record_truth(const struct pids *pids)
{
	char *minfo = read_whole(MARKER_INFO, NULL), *zinfo = read_whole(ZOMBIE_INFO, NULL);
	char path[64], buf[400];
	struct utsname u;

	prctl(PR_SET_NAME, (unsigned long)"kdive-truth", 0, 0, 0);
	fprintf(out, "#### kdive-truth 1\n");

	uname(&u);
	begin("uname_r");
	fprintf(out, "%s\n", u.release);
	end("uname_r");
	cat_section("osrelease", "/proc/sys/kernel/osrelease");
	cat_section("cmdline", "/proc/cmdline");
	begin("pagesize");
	fprintf(out, "%ld\n", sysconf(_SC_PAGESIZE));
	end("pagesize");
	begin("nr_cpus");
	fprintf(out, "%ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	end("nr_cpus");
	cpuinfo_sections();
	cat_section("iomem", "/proc/iomem");
	cat_section("meminfo", "/proc/meminfo");
	cat_section("buddyinfo", "/proc/buddyinfo");
	cat_section("zoneinfo", "/proc/zoneinfo");
	cat_section("slabinfo", "/proc/slabinfo");
	cat_section("vmstat", "/proc/vmstat");
	cat_section("pagetypeinfo", "/proc/pagetypeinfo");
	cat_section("vmallocinfo", "/proc/vmallocinfo");
	hugepages_section();

	begin("marker");
	if (minfo)
		put_text(minfo, strlen(minfo));
	fprintf(out, "sleeper_pid=%d\nsleeper_argv=kdive-sleeper alpha beta gamma\n"
		"sleeper_env=KDIVE_ENV=marker\n", pids->sleeper);
	if (zinfo)
		put_text(zinfo, strlen(zinfo));
	fprintf(out, "tunread_pid=%d\ntunread_comm=kdive-tunread\ntun_ifname=kdtun0\n",
		pids->tunread);
	end("marker");
	snprintf(path, sizeof(path), "/proc/%d/maps", pids->marker);
	cat_section("marker_maps", path);
	snprintf(path, sizeof(path), "/proc/%d/status", pids->marker);
	cat_section("marker_status", path);
	begin("pagemap");
	pagemap_lines(pids->marker, info_ul(minfo, "anon_addr"), ANON_PAGES, "anon");
	pagemap_lines(pids->marker, info_ul(minfo, "file_addr"), FILE_PAGES, "file");
	pagemap_lines(pids->marker, info_ul(minfo, "swap_addr"), SWAP_PAGES, "swap");
	end("pagemap");
	bigmap_sections();

	kallsyms_sections();
	cat_section("modules", "/proc/modules");
	begin("vmcoreinfo_sysfs");
	{
		char *s = read_whole("/sys/kernel/vmcoreinfo", NULL);

		if (s)
			put_text(s, strlen(s));
		free(s);
	}
	kcore_vmcoreinfo();
	end("vmcoreinfo_sysfs");
	kmsg_section();
	run_section("dmesg", "/bin/dmesg");
	begin("markers");
	for (int i = 0; i < NR_MARKERS; i++) {
		marker_text(i, buf, sizeof(buf));
		fprintf(out, "%s\n", marker_log_text(buf));
	}
	end("markers");
	truth2_sections(pids, minfo);
	kcore_sections();
	// Last, so that every helper child above has been reaped already.
	tasks_section();
	fflush(out);
	free(minfo);
	free(zinfo);
	return ferror(out) ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* kdive-init                                                          */

static pid_t spawn(const char *path, char *const argv[], char *const envp[])
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		execve(path, argv, envp);
		fprintf(stderr, "kdive-init: exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	return pid;
}

static int wait_file(const char *path)
{
	for (int i = 0; i < WAIT_SECONDS * 10; i++) {
		if (access(path, R_OK) == 0)
			return 0;
		usleep(100000);
	}
	return -1;
}

static char proc_state(pid_t pid)
{
	char path[64], *buf, *r, st = '?';

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	buf = read_whole(path, NULL);
	if (buf && (r = strrchr(buf, ')')))
		sscanf(r + 1, " %c", &st);
	free(buf);
	return st;
}

// kdive-tunread: asleep in the tun module's read (truth format 3).
static int tunread_main(void)
{
	struct ifreq ifr;
	char c;
	int fd = open("/dev/net/tun", O_RDWR);

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "kdtun0");
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr))
		fprintf(stderr, "kdive-tunread: /dev/net/tun: %s\n", strerror(errno));
	else if (read(fd, &c, 1) < 0)
		fprintf(stderr, "kdive-tunread: read: %s\n", strerror(errno));
	sleep_forever();
}

// kdive-spin: a busy loop (truth format 3), kept runnable for the dump.
// Pinned to the last CPU, so that CPU 0 stays idle: tools (and tests) that
// take CPU 0's task as the default context keep seeing swapper/0 there.
static int __attribute__((noreturn)) spin_main(void)
{
	volatile unsigned long n = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(ncpu > 1 ? ncpu - 1 : 0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "kdive-spin: sched_setaffinity: %s\n", strerror(errno));

	for (;;)
		n++;
}

static int write_str(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t w = fd >= 0 ? write(fd, text, strlen(text)) : -1;

	if (fd >= 0)
		close(fd);
	return w == (ssize_t)strlen(text) ? 0 : -1;
}

// Truth format 3: mount cgroup2, enable the cpu controller, make the group
// /kdive-grp with the lowest cpu.weight (so that its spinner barely slows the
// recorder).  mkvmcore --memcg enables the memory controller with it (before
// kdive-marker starts, which moves itself into the group) and writes
// MEMCG_INFO.  Returns the failed step, or NULL.
static const char *setup_group(void)
{
	const char *err = NULL;
	int memerr = 0;
	int memcg = access(MEMCG_CONF, F_OK) == 0;

	mkdir(CGROUP_ROOT, 0755);
	if (mount("cgroup2", CGROUP_ROOT, "cgroup2", 0, NULL) && errno != EBUSY)
		err = "mount cgroup2";
	else if ((!memcg || write_str(CGROUP_ROOT "/cgroup.subtree_control", "+cpu +memory")) &&
		 (memerr = memcg ? errno : 0, write_str(CGROUP_ROOT "/cgroup.subtree_control", "+cpu")))
		err = "enable +cpu";
	else if (mkdir(CGROUP_ROOT "/" CGROUP_NAME, 0755) && errno != EEXIST)
		err = "mkdir " CGROUP_NAME;
	else if (write_str(CGROUP_ROOT "/" CGROUP_NAME "/cpu.weight", "1"))
		err = "cpu.weight";
	if (memcg) {
		char info[256];

		if (err || memerr)
			snprintf(info, sizeof(info), "error=%s: %s\n",
				 err ? err : "enable +memory", strerror(err ? errno : memerr));
		else
			snprintf(info, sizeof(info), "path=/" CGROUP_NAME "\ncontroller=memory\n"
				 "marker=in " CGROUP_NAME " before its pages are touched\n");
		write_file_atomic(MEMCG_INFO, info);
	}
	return err;
}

// Start kdive-spin in /kdive-grp (made by setup_group()).  Writes CGROUP_INFO
// either way.
static pid_t start_spin_group(const char *err, char *const env[])
{
	static char *spin_argv[] = { "kdive-spin", NULL };
	char info[256], procs[64];
	pid_t spin = 0;

	if (!err) {
		spin = spawn("/bin/kdive-spin", spin_argv, env);
		snprintf(procs, sizeof(procs), "%d", spin);
		if (write_str(CGROUP_ROOT "/" CGROUP_NAME "/cgroup.procs", procs))
			err = "cgroup.procs";
	}
	if (err)
		snprintf(info, sizeof(info), "error=%s: %s\nspin_pid=%d\n", err, strerror(errno),
			 spin);
	else
		snprintf(info, sizeof(info),
			 "path=/" CGROUP_NAME "\ncontroller=cpu\ncpu_weight=1\nspin_pid=%d\n"
			 "spin_comm=kdive-spin\n", spin);
	write_file_atomic(CGROUP_INFO, info);
	return spin;
}

static int open_truth_tty(void)
{
	struct termios t;
	int fd = open(TRUTH_TTY, O_WRONLY | O_NOCTTY);

	if (fd < 0)
		die("open %s: %s", TRUTH_TTY, strerror(errno));
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		cfsetispeed(&t, B115200);
		cfsetospeed(&t, B115200);
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

static void truth_fail(int fd, const char *why)
{
	dprintf(fd, "\n#### kdive-truth failed: %s\n", why);
	fprintf(stderr, "kdive-init: FAILED: %s\n", why);
	sleep_forever();
}

// mkvmcore --panic: the task that crashes the kernel.  It pins itself to
// the CPU given as argv[1] (sched_setaffinity, checked with sched_getcpu),
// tells kdive-init its pid and CPU, and waits; on SIGUSR1 it writes 'c' to
// /proc/sysrq-trigger (allowed whatever kernel.sysrq says: the mask applies to
// the keyboard only), so the panic happens in this task on this CPU.
static int panic_main(int argc, char **argv)
{
	int cpu = argc > 1 ? atoi(argv[1]) : 0, sig, fd;
	cpu_set_t set;
	sigset_t ss;
	FILE *f;

	sigemptyset(&ss);
	sigaddset(&ss, SIGUSR1);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		die("kdive-panic: sched_setaffinity(%d): %s", cpu, strerror(errno));
	for (int i = 0; i < 100 && sched_getcpu() != cpu; i++)
		usleep(10000);
	if (sched_getcpu() != cpu)
		die("kdive-panic: still on CPU %d, not %d", sched_getcpu(), cpu);
	f = fopen(PANIC_INFO ".tmp", "w");
	if (!f)
		die("kdive-panic: %s: %s", PANIC_INFO, strerror(errno));
	fprintf(f, "pid=%d\ncomm=kdive-panic\ncpu=%d\n", getpid(), cpu);
	fclose(f);
	rename(PANIC_INFO ".tmp", PANIC_INFO);
	if (sigwait(&ss, &sig) != 0)
		die("kdive-panic: sigwait failed");
	fd = open("/proc/sysrq-trigger", O_WRONLY);
	if (fd < 0)
		die("kdive-panic: /proc/sysrq-trigger: %s", strerror(errno));
	// The write does not return: the kernel panics on this CPU.
	if (write(fd, "c", 1) != 1)
		die("kdive-panic: sysrq write: %s", strerror(errno));
	sleep_forever();
}

// mkvmcore --tasks N: N more sleeping tasks (kdive-crowd processes and their
// threads), all started before the truth is recorded.
static void start_crowd(int tty, char *const env[])
{
	char *conf = read_whole(CROWD_CONF, NULL), path[64], num[16];
	long n = conf ? atol(conf) : 0, max;
	char *argv[] = { "kdive-crowd", num, NULL };
	pid_t *pids;
	int np = 0;
	FILE *f;

	free(conf);
	if (n <= 0)
		return;
	// threads-max defaults to a fraction of RAM (about 4000 at 512 MiB).
	f = fopen("/proc/sys/kernel/threads-max", "r+");
	if (f && fscanf(f, "%ld", &max) == 1 && max < n + 4096) {
		rewind(f);
		fprintf(f, "%ld\n", n + 4096);
	}
	if (f)
		fclose(f);
	pids = calloc((size_t)(n + CROWD_PER_PROC - 1) / CROWD_PER_PROC, sizeof(*pids));
	if (!pids)
		die("out of memory");
	for (long left = n; left > 0; left -= CROWD_PER_PROC) {
		snprintf(num, sizeof(num), "%ld", left < CROWD_PER_PROC ? left : CROWD_PER_PROC);
		pids[np++] = spawn("/bin/kdive-crowd", argv, env);
	}
	for (int i = 0; i < np; i++) {
		snprintf(path, sizeof(path), RUNDIR "/crowd.%d", pids[i]);
		if (wait_file(path))
			truth_fail(tty, "the kdive-crowd tasks did not start");
	}
	fprintf(stderr, "kdive-init: %ld crowd tasks in %d processes\n", n, np);
	free(pids);
}

// mkvmcore --bigmap MB: kdive-bigmap, its memory written before the truth.
static void start_bigmap(int tty, char *const env[])
{
	char *conf = read_whole(BIGMAP_CONF, NULL), num[24];
	long mb = conf ? atol(conf) : 0;
	char *argv[] = { "kdive-bigmap", num, NULL };

	free(conf);
	if (mb <= 0)
		return;
	snprintf(num, sizeof(num), "%ld", mb);
	spawn("/bin/kdive-bigmap", argv, env);
	// Writing 1 GiB a page at a time under TCG takes a while.
	for (int i = 0; i < 10 && wait_file(BIGMAP_INFO); i++)
		;
	if (access(BIGMAP_INFO, R_OK))
		truth_fail(tty, "kdive-bigmap did not start");
	fprintf(stderr, "kdive-init: kdive-bigmap maps %ld MB\n", mb);
}

// mkvmcore --kdump: load the capture kernel (KDUMP_DIR/vmlinuz, its
// initramfs KDUMP_DIR/initrd.cpio, its command line KDUMP_DIR/cmdline) into
// the memory reserved by crashkernel= with kexec_file_load(2) and
// KEXEC_FILE_ON_CRASH (include/uapi/linux/kexec.h), as `kexec -s -p` would:
// panic() then runs __crash_kexec(), which saves every CPU's registers
// (NT_PRSTATUS; the other CPUs are stopped by NMI) and boots it.  Returns the
// text of the truth section `kdump`, or NULL with *why set.
static char *kdump_load(const char **why)
{
	static char err[160];
	char *cmdline = read_whole(KDUMP_DIR "/cmdline", NULL), *loaded, *size, *text = NULL;
	int kfd = open(KDUMP_DIR "/vmlinuz", O_RDONLY | O_CLOEXEC);
	int ifd = open(KDUMP_DIR "/initrd.cpio", O_RDONLY | O_CLOEXEC);
	long r;

	*why = err;
	if (!cmdline || kfd < 0 || ifd < 0) {
		snprintf(err, sizeof(err), "the capture kernel's files are missing in " KDUMP_DIR);
		goto out;
	}
	cmdline[strcspn(cmdline, "\n")] = 0;
	r = syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmdline) + 1, cmdline, 2UL /* KEXEC_FILE_ON_CRASH */);
	if (r != 0) {
		snprintf(err, sizeof(err), "kexec_file_load: %s", strerror(errno));
		goto out;
	}
	loaded = read_whole("/sys/kernel/kexec_crash_loaded", NULL);
	size = read_whole("/sys/kernel/kexec_crash_size", NULL);
	if (!loaded || atoi(loaded) != 1) {
		snprintf(err, sizeof(err), "/sys/kernel/kexec_crash_loaded is not 1 after kexec_file_load");
	} else if (asprintf(&text, "loaded=1\ncrash_size=%ld\ncapture_cmdline=%s\n",
			    size ? atol(size) : -1L, cmdline) < 0) {
		text = NULL;
		snprintf(err, sizeof(err), "out of memory");
	}
	free(loaded);
	free(size);
out:
	if (kfd >= 0)
		close(kfd);
	if (ifd >= 0)
		close(ifd);
	free(cmdline);
	return text;
}

static int init_main(void)
{
	static char *env[] = { "PATH=/bin", NULL };
	static char *senv[] = { "PATH=/bin", "KDIVE_ENV=marker", NULL };
	static char *marker_argv[] = { "kdive-marker", NULL };
	static char *sleeper_argv[] = { "kdive-sleeper", "alpha", "beta", "gamma", NULL };
	static char *zparent_argv[] = { "kdive-zparent", NULL };
	static char *tunread_argv[] = { "kdive-tunread", NULL };
	static char pcpu[24];
	static char *panic_argv[] = { "kdive-panic", pcpu, NULL };
	pid_t panicker = 0;
	char *kdump = NULL;
	struct pids pids;
	const char *group_err;
	char buf[400], zpath[64];
	int tty = open_truth_tty(), kmsg, status;
	pid_t rec;

	kmsg = open("/dev/kmsg", O_WRONLY);
	for (int i = 0; i < NR_MARKERS && kmsg >= 0; i++) {
		marker_text(i, buf, sizeof(buf));
		// The newline makes the record final at once: without it printk
		// keeps the record open for a continuation, and readers of
		// /dev/kmsg and syslog do not see it until the next message.
		strcat(buf, "\n");
		if (write(kmsg, buf, strlen(buf)) < 0)
			fprintf(stderr, "kdive-init: kmsg write: %s\n", strerror(errno));
	}
	if (kmsg >= 0)
		close(kmsg);

	mkdir(RUNDIR, 0755);
	group_err = setup_group();
	pids.marker = spawn("/bin/kdive-marker", marker_argv, env);
	pids.sleeper = spawn("/bin/kdive-sleeper", sleeper_argv, senv);
	pids.zparent = spawn("/bin/kdive-zparent", zparent_argv, env);
	start_crowd(tty, env);
	start_bigmap(tty, env);
	pids.spin = start_spin_group(group_err, env);
	pids.tunread = spawn("/bin/kdive-tunread", tunread_argv, env);
	if (wait_file(MARKER_INFO) || wait_file(ZOMBIE_INFO))
		truth_fail(tty, "marker processes did not start");
	{
		char *z = read_whole(ZOMBIE_INFO, NULL);
		pid_t zpid = (pid_t)info_ul(z, "zombie_pid");
		int i;

		free(z);
		snprintf(zpath, sizeof(zpath), "%d", zpid);
		for (i = 0; i < WAIT_SECONDS * 10 && proc_state(zpid) != 'Z'; i++)
			usleep(100000);
		if (proc_state(zpid) != 'Z')
			truth_fail(tty, "the zombie is not a zombie");
	}
	if (access(PANIC_CONF, R_OK) == 0) {
		// Started before the recorder, so that the truth's task list and
		// stacks include it; it panics only after the truth is complete.
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

		snprintf(pcpu, sizeof(pcpu), "%ld", ncpu > 1 ? ncpu - 1 : 0);
		panicker = spawn("/bin/kdive-panic", panic_argv, env);
		if (wait_file(PANIC_INFO))
			truth_fail(tty, "kdive-panic did not start");
	}
	if (access(KDUMP_DIR, R_OK) == 0) {
		const char *why;

		if (!(kdump = kdump_load(&why)))
			truth_fail(tty, why);
	}
	fprintf(stderr, "kdive-init: marker=%d sleeper=%d zparent=%d zombie=%s; recording\n",
		pids.marker, pids.sleeper, pids.zparent, zpath);

	fflush(NULL);
	rec = fork();
	if (rec < 0)
		die("fork: %s", strerror(errno));
	if (rec == 0) {
		out = fdopen(tty, "w");
		if (!out)
			_exit(1);
		_exit(record_truth(&pids));
	}
	if (waitpid(rec, &status, 0) != rec || !WIFEXITED(status) || WEXITSTATUS(status))
		truth_fail(tty, "the recorder failed");
	if (panicker > 0) {
		char *info = read_whole(PANIC_INFO, NULL);

		dprintf(tty, "#### begin panic\n%s#### end panic\n", info ? info : "");
		free(info);
	}
	if (kdump) {
		dprintf(tty, "#### begin kdump\n%s#### end kdump\n", kdump);
		free(kdump);
	}
	dprintf(tty, "#### kdive-truth done\n");
	fprintf(stderr, "kdive-init: ready\n");
	if (panicker > 0) {
		// Let the host see the done line before the console fills with
		// the panic (the serial port is flushed by the time write returns).
		sleep(1);
		kill(panicker, SIGUSR1);
	}
	// Idle; reap only our own children if they ever exit (they should not).
	for (;;)
		if (waitpid(-1, NULL, 0) < 0)
			pause();
}

int main(int argc, char **argv)
{
	const char *me = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];

	if (strcmp(me, "kdive-guest") == 0 && argc > 1)
		me = argv[1];
	if (strcmp(me, "kdive-init") == 0)
		return init_main();
	if (strcmp(me, "kdive-marker") == 0)
		return marker_main();
	if (strcmp(me, "kdive-sleeper") == 0)
		sleep_forever();
	if (strcmp(me, "kdive-zparent") == 0)
		return zparent_main();
	if (strcmp(me, "kdive-crowd") == 0)
		return crowd_main(argc, argv);
	if (strcmp(me, "kdive-panic") == 0)
		return panic_main(argc, argv);
	if (strcmp(me, "kdive-bigmap") == 0)
		return bigmap_main(argc, argv);
	if (strcmp(me, "kdive-spin") == 0)
		return spin_main();
	if (strcmp(me, "kdive-tunread") == 0)
		return tunread_main();
	fprintf(stderr, "usage: kdive-guest kdive-init|kdive-marker|kdive-sleeper|kdive-zparent|kdive-crowd|kdive-bigmap|kdive-panic|kdive-spin|kdive-tunread\n");
	return 2;
}
