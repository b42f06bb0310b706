//go:build linux

// Package gpsdtest runs a real gpsd for the tests of the examples, in a private IPC and
// network namespace (its shared memory segments and its ports are machine-wide
// otherwise), and feeds it NMEA sentences over UDP.
//
// A test calls Require, then starts a child process with proctest.StartWith(t, name,
// gpsdtest.InNamespaces); the child calls LoopbackUp and Start, and everything it starts
// shares the namespaces, which vanish, segments and all, when the child exits.
package gpsdtest

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Ports inside the private network namespace, where nothing else listens.
const (
	ControlPort = 2947 // gpsd's JSON port, gpspipe's default
	NMEAPort    = 5000 // the udp:// source gpsd reads
)

// Deadline bounds every wait here; reaching it means the test has failed.
const Deadline = 60 * time.Second

// Path returns the gpsd daemon, or "" if it is not installed. It looks in the sbin
// directories first: a "gpsd" found first on $PATH may be examples/gpsd, installed with
// go install, which has the same name.
func Path() string {
	for _, p := range []string{"/usr/sbin/gpsd", "/usr/local/sbin/gpsd"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("gpsd"); err == nil {
		return p
	}
	return ""
}

// Require skips the test, saying why, unless a real gpsd can run here: gpsd must be
// installed, and only root may make the namespaces.
func Require(t testing.TB) {
	t.Helper()
	if Path() == "" {
		t.Skip("gpsd is not installed (Debian: apt-get install gpsd libgps-dev): the test against a real gpsd is skipped")
	}
	if os.Geteuid() != 0 {
		t.Skip("the test against a real gpsd runs it in private IPC and network namespaces, which needs root")
	}
}

// InNamespaces gives a command its own IPC and network namespaces, and its own PID
// namespace with it as init, so that when it ends, by a kill at the test's deadline
// too, the kernel kills gpsd and everything else it started: a setup function for
// proctest.StartWith.
func InNamespaces(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWIPC | syscall.CLONE_NEWNET | syscall.CLONE_NEWPID}
}

// LoopbackUp brings up lo, which a new network namespace has down.
func LoopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("SIOCGIFFLAGS lo: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("SIOCSIFFLAGS lo: %w", err)
	}
	return nil
}

// Gpsd is a running gpsd reading NMEA from udp://127.0.0.1:NMEAPort.
type Gpsd struct {
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
	conn net.Conn
}

// Start runs gpsd in the foreground, polling its source without waiting for a client
// (-n), and returns once it listens for NMEA.
func Start() (*Gpsd, error) {
	g := &Gpsd{log: new(syncBuffer), done: make(chan struct{})}
	g.cmd = exec.Command(Path(), "-N", "-n", "-D", "2", "-S", fmt.Sprint(ControlPort), fmt.Sprintf("udp://127.0.0.1:%d", NMEAPort))
	g.cmd.Stdout, g.cmd.Stderr = g.log, g.log
	if err := g.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		g.cmd.Wait()
		close(g.done)
	}()
	// gpsd opens its source after it starts; a datagram sent before would be lost.
	port := fmt.Sprintf(":%04X ", NMEAPort)
	deadline := time.Now().Add(Deadline)
	for {
		udp, err := os.ReadFile("/proc/net/udp") // this network namespace's sockets
		if err == nil && bytes.Contains(udp, []byte(port)) {
			break
		}
		select {
		case <-g.done:
			return nil, fmt.Errorf("gpsd exited before it listened on UDP port %d:\n%s", NMEAPort, g.log)
		default:
		}
		if time.Now().After(deadline) {
			g.Stop()
			return nil, fmt.Errorf("gpsd did not listen on UDP port %d within %v:\n%s", NMEAPort, Deadline, g.log)
		}
		time.Sleep(time.Millisecond) // polling a condition, not synchronisation
	}
	conn, err := net.Dial("udp", fmt.Sprintf("127.0.0.1:%d", NMEAPort))
	if err != nil {
		g.Stop()
		return nil, err
	}
	g.conn = conn
	return g, nil
}

// Send sends one fix to gpsd as an RMC and a GGA sentence in one datagram.
func (g *Gpsd) Send(f Fix) error {
	_, err := g.conn.Write(f.Sentences())
	return err
}

// Stop ends gpsd as its init script does (SIGTERM) and waits for it to exit.
func (g *Gpsd) Stop() error {
	if g.conn != nil {
		g.conn.Close()
	}
	g.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-g.done:
		return nil
	case <-time.After(Deadline):
		g.cmd.Process.Kill()
		<-g.done
		return errors.New("gpsd did not exit on SIGTERM")
	}
}

// Log returns what gpsd has printed so far.
func (g *Gpsd) Log() string { return g.log.String() }

// Fix is a position report, as a GPS receiver would send it.
type Fix struct {
	Time     time.Time // UTC, to the hundredth of a second
	Lat, Lon float64   // degrees, north and east positive
	AltMSL   float64   // metres above mean sea level
	GeoidSep float64   // metres of the geoid above the ellipsoid: altHAE = AltMSL + GeoidSep
	Knots    float64   // speed over ground
	Track    float64   // degrees from true north
}

// Sentences returns f as NMEA 0183: $GPRMC (date, position, speed, track) and $GPGGA
// (position and altitude, a GPS fix of 8 satellites), each with its checksum.
func (f Fix) Sentences() []byte {
	t := f.Time.UTC()
	hms := fmt.Sprintf("%02d%02d%02d.%02d", t.Hour(), t.Minute(), t.Second(), t.Nanosecond()/1e7)
	lat, ns := angle(f.Lat, 2), "N"
	if f.Lat < 0 {
		ns = "S"
	}
	lon, ew := angle(f.Lon, 3), "E"
	if f.Lon < 0 {
		ew = "W"
	}
	rmc := fmt.Sprintf("GPRMC,%s,A,%s,%s,%s,%s,%.1f,%.1f,%s,,,A", hms, lat, ns, lon, ew, f.Knots, f.Track, t.Format("020106"))
	gga := fmt.Sprintf("GPGGA,%s,%s,%s,%s,%s,1,08,0.9,%.1f,M,%.1f,M,,", hms, lat, ns, lon, ew, f.AltMSL, f.GeoidSep)
	return []byte(sentence(rmc) + sentence(gga))
}

// angle writes degrees as NMEA does: whole degrees in digits places, then minutes.
func angle(deg float64, digits int) string {
	deg = math.Abs(deg)
	whole := math.Floor(deg)
	return fmt.Sprintf("%0*d%07.4f", digits, int(whole), (deg-whole)*60)
}

// sentence adds the $, the checksum (XOR of the bytes between $ and *) and CR LF.
func sentence(body string) string {
	var sum byte
	for i := 0; i < len(body); i++ {
		sum ^= body[i]
	}
	return fmt.Sprintf("$%s*%02X\r\n", body, sum)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
