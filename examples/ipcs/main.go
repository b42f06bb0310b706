// Command ipcs prints the system's System V IPC objects as util-linux's ipcs does, from
// this module's listings rather than by parsing another program's output:
//
//	------ Message Queues --------
//	key        msqid      owner      perms      used-bytes   messages
//	0x66001234 0          root       600        64           1
//
//	------ Shared Memory Segments --------
//	key        shmid      owner      perms      bytes      nattch     status
//	0x66001234 32769      root       600        4096       1
//
//	------ Semaphore Arrays --------
//	key        semid      owner      perms      nsems
//	0x66001234 2          root       600        1
//
// -q prints the message queues (msg.List), -m the segments (shm.List), -s the semaphore
// sets (sem.List), and -a, the default, all three. -r adds to the segments the resident
// and swapped bytes that shm.List reads from /proc/sysvipc/shm.
package main

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"slices"
	"strconv"

	"github.com/go-sysv/shm"
	"github.com/go-sysv/shm/msg"
	"github.com/go-sysv/shm/sem"
)

func main() {
	queues := flag.Bool("q", false, "print message queues")
	segments := flag.Bool("m", false, "print shared memory segments")
	sets := flag.Bool("s", false, "print semaphore sets")
	all := flag.Bool("a", false, "print all three (the default)")
	resident := flag.Bool("r", false, "also print the segments' resident and swapped bytes")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "ipcs: unexpected argument %q: ipcs takes only -q, -m, -s, -a and -r (-h for help)\n", flag.Arg(0))
		os.Exit(2)
	}
	if *all || !*queues && !*segments && !*sets {
		*queues, *segments, *sets = true, true, true
	}
	if err := run(os.Stdout, *queues, *segments, *sets, *resident); err != nil {
		fmt.Fprintln(os.Stderr, "ipcs:", err)
		os.Exit(1)
	}
}

// run prints the kinds asked for in util-linux's order, each section followed by a
// blank line, after one blank line at the start.
func run(w io.Writer, queues, segments, sets, resident bool) error {
	names := owners{}
	fmt.Fprintln(w)
	if queues {
		infos, err := msg.List()
		if err != nil {
			return err
		}
		slices.SortStableFunc(infos, func(a, b msg.Info) int { return cmp.Compare(index(a.ID), index(b.ID)) })
		printQueues(w, infos, names)
	}
	if segments {
		infos, err := shm.List()
		if err != nil {
			return err
		}
		slices.SortStableFunc(infos, func(a, b shm.Info) int { return cmp.Compare(index(a.ID), index(b.ID)) })
		printSegments(w, infos, resident, names)
	}
	if sets {
		infos, err := sem.List()
		if err != nil {
			return err
		}
		slices.SortStableFunc(infos, func(a, b sem.Info) int { return cmp.Compare(index(a.ID), index(b.ID)) })
		printSets(w, infos, names)
	}
	return nil
}

// index is an id's position in the kernel's table: its low 15 bits, or 24 where the
// kernel was booted with ipcmni_extend. ipcs prints the objects in this order, the
// order of /proc/sysvipc, where the listings sort them by id.
func index(id int) int {
	if ipcmniExtend {
		return id & (1<<24 - 1)
	}
	return id & (1<<15 - 1)
}

var ipcmniExtend = func() bool {
	b, _ := os.ReadFile("/proc/cmdline")
	return bytes.Contains(b, []byte("ipcmni_extend"))
}()

// printQueues writes infos in the layout of util-linux ipcs -q (ipcs.c, do_msg).
func printQueues(w io.Writer, infos []msg.Info, names owners) {
	fmt.Fprintf(w, "------ Message Queues --------\n")
	fmt.Fprintf(w, "%-10s %-10s %-10s %-10s %-12s %-12s\n", "key", "msqid", "owner", "perms", "used-bytes", "messages")
	for _, info := range infos {
		fmt.Fprintf(w, "%v %-10d %-10s %-10o %-12d %-12d\n",
			info.Key, info.ID, names.name(info.UID), uint32(info.Mode.Perm()), info.Bytes, info.Messages)
	}
	fmt.Fprintln(w)
}

// printSegments writes infos in the layout of util-linux ipcs -m (ipcs.c, do_shm).
func printSegments(w io.Writer, infos []shm.Info, resident bool, names owners) {
	fmt.Fprintf(w, "------ Shared Memory Segments --------\n")
	fmt.Fprintf(w, "%-10s %-10s %-10s %-10s %-10s %-10s %-12s", "key", "shmid", "owner", "perms", "bytes", "nattch", "status")
	if resident {
		fmt.Fprintf(w, " %-12s %-12s", "resident", "swapped")
	}
	fmt.Fprintln(w)
	for _, info := range infos {
		fmt.Fprint(w, segmentLine(info, names))
		if resident {
			fmt.Fprintf(w, " %-12d %-12d", info.Resident, info.Swapped)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

// segmentLine formats one segment as ipcs -m does, without the newline.
func segmentLine(info shm.Info, names owners) string {
	dest, locked := " ", " "
	if info.Removed {
		dest = "dest"
	}
	if info.Locked {
		locked = "locked"
	}
	return fmt.Sprintf("%v %-10d %-10s %-10o %-10d %-10d %-6s %-6s",
		info.Key, info.ID, names.name(info.UID), uint32(info.Mode.Perm()), info.Size, info.Attached, dest, locked)
}

// printSets writes infos in the layout of util-linux ipcs -s (ipcs.c, do_sem).
func printSets(w io.Writer, infos []sem.Info, names owners) {
	fmt.Fprintf(w, "------ Semaphore Arrays --------\n")
	fmt.Fprintf(w, "%-10s %-10s %-10s %-10s %-10s\n", "key", "semid", "owner", "perms", "nsems")
	for _, info := range infos {
		fmt.Fprintf(w, "%v %-10d %-10s %-10o %-10d\n", info.Key, info.ID, names.name(info.UID), uint32(info.Mode.Perm()), info.Len)
	}
	fmt.Fprintln(w)
}

// owners caches user names by uid: ipcs prints the name, cut to 10 bytes, or the
// number of a uid that has none.
type owners map[int]string

func (o owners) name(uid int) string {
	name, ok := o[uid]
	if !ok {
		name = strconv.Itoa(uid)
		if u, err := user.LookupId(name); err == nil {
			name = truncate(u.Username, 10)
		}
		o[uid] = name
	}
	return name
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
