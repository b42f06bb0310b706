// Command ipcs prints the system's shared memory segments as util-linux's ipcs -m does,
// from shm.List rather than by parsing another program's output:
//
//	------ Shared Memory Segments --------
//	key        shmid      owner      perms      bytes      nattch     status
//	0x66001234 32769      root       600        4096       1
//
// -r adds the resident and swapped bytes that List reads from /proc/sysvipc/shm.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"

	"github.com/go-sysv/shm"
)

func main() {
	resident := flag.Bool("r", false, "also print resident and swapped bytes")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "ipcs: unexpected argument %q: ipcs takes only -r (-h for help)\n", flag.Arg(0))
		os.Exit(2)
	}
	infos, err := shm.List()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ipcs:", err)
		os.Exit(1)
	}
	print(os.Stdout, infos, *resident)
}

// print writes infos in the layout of util-linux ipcs -m (ipcs.c, do_shm).
func print(w io.Writer, infos []shm.Info, resident bool) {
	fmt.Fprintf(w, "\n------ Shared Memory Segments --------\n")
	fmt.Fprintf(w, "%-10s %-10s %-10s %-10s %-10s %-10s %-12s", "key", "shmid", "owner", "perms", "bytes", "nattch", "status")
	if resident {
		fmt.Fprintf(w, " %-12s %-12s", "resident", "swapped")
	}
	fmt.Fprintln(w)
	names := make(map[int]string)
	for _, info := range infos {
		fmt.Fprint(w, line(info, names))
		if resident {
			fmt.Fprintf(w, " %-12d %-12d", info.Resident, info.Swapped)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

// line formats one segment as ipcs -m does, without the newline.
func line(info shm.Info, names map[int]string) string {
	owner, ok := names[info.UID]
	if !ok {
		owner = strconv.Itoa(info.UID)
		if u, err := user.LookupId(owner); err == nil {
			owner = truncate(u.Username, 10)
		}
		names[info.UID] = owner
	}
	dest, locked := " ", " "
	if info.Removed {
		dest = "dest"
	}
	if info.Locked {
		locked = "locked"
	}
	return fmt.Sprintf("%v %-10d %-10s %-10o %-10d %-10d %-6s %-6s",
		info.Key, info.ID, owner, uint32(info.Mode.Perm()), info.Size, info.Attached, dest, locked)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
