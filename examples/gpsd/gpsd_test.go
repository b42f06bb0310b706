//go:build linux

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/go-sysv/shm/examples/internal/gpsdtest"
	"github.com/go-sysv/shm/internal/proctest"
)

// realFixes are the fixes fed to the real gpsd, and the lines the reader must print for
// them: gpsd's own numbers after its NMEA parsing (speed 22.4 knots is 11.524 m/s;
// altHAE is altMSL plus the geoid separation).
var realFixes = []struct {
	f    gpsdtest.Fix
	want string
}{
	{gpsdtest.Fix{Time: noon, Lat: 48 + 7.038/60, Lon: 11 + 31.0/60, AltMSL: 545.4, GeoidSep: 46.9, Knots: 22.4, Track: 84.4},
		`{"class":"TPV","device":"udp://127.0.0.1:5000","mode":3,"time":"2026-11-30T12:00:00.000Z","lat":48.117300000,"lon":11.516666667,"altHAE":592.3000,"altMSL":545.4000,"alt":545.4000,"track":84.4000,"speed":11.524}`},
	{gpsdtest.Fix{Time: noon.Add(time.Second), Lat: 48 + 7.638/60, Lon: 11 + 31.6/60, AltMSL: 546.4, GeoidSep: 46.9, Knots: 22.4, Track: 90},
		`{"class":"TPV","device":"udp://127.0.0.1:5000","mode":3,"time":"2026-11-30T12:00:01.000Z","lat":48.127300000,"lon":11.526666667,"altHAE":593.3000,"altMSL":546.4000,"alt":546.4000,"track":90.0000,"speed":11.524}`},
	{gpsdtest.Fix{Time: noon.Add(2 * time.Second), Lat: -(33 + 51.408/60), Lon: -(151 + 12.918/60), AltMSL: 3.5, GeoidSep: 22.1, Knots: 0, Track: 0},
		`{"class":"TPV","device":"udp://127.0.0.1:5000","mode":3,"time":"2026-11-30T12:00:02.000Z","lat":-33.856800000,"lon":-151.215300000,"altHAE":25.6000,"altMSL":3.5000,"alt":3.5000,"track":0.0000,"speed":0.000}`},
}

// The reader, started before gpsd, prints a real gpsd's fixes as gpspipe -w prints its
// TPV objects. gpsd runs in private IPC and network namespaces (a child of this test
// in them), fed NMEA over UDP.
func TestRealGpsd(t *testing.T) {
	gpsdtest.Require(t)
	c := proctest.StartWith(t, "realGpsd", gpsdtest.InNamespaces)
	for i, rf := range realFixes {
		if got := c.ReadLine(); got != rf.want {
			t.Errorf("fix %d:\n got %s\nwant %s", i, got, rf.want)
		}
	}
	t.Log(c.ReadLine()) // how gpspipe compared
	c.WaitOK()
}

// lines sends each line of r to the channel it returns, and closes it at the end.
func lines(r io.Reader) <-chan string {
	ch := make(chan string, 100)
	go func() {
		s := bufio.NewScanner(r)
		for s.Scan() {
			ch <- s.Text()
		}
		close(ch)
	}()
	return ch
}

// next returns the first line from ch for which ok holds, or an error at the deadline.
func next(ch <-chan string, what string, ok func(string) bool) (string, error) {
	timeout := time.After(gpsdtest.Deadline)
	for {
		select {
		case line, open := <-ch:
			if !open {
				return "", fmt.Errorf("the output ended before %s", what)
			}
			if ok(line) {
				return line, nil
			}
		case <-timeout:
			return "", fmt.Errorf("no %s within %v", what, gpsdtest.Deadline)
		}
	}
}

// childRealGpsd runs in the private namespaces: it starts the reader, then gpsd, and
// gpspipe -w if it is installed; it sends realFixes one at a time, each once the reader
// printed the one before, and prints the reader's lines for the parent, then how
// gpspipe's TPV objects compare.
func childRealGpsd() int {
	if err := gpsdtest.LoopbackUp(); err != nil {
		return proctest.Fail("%v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	readerDone := make(chan error, 1)
	go func() { readerDone <- read(ctx, defaultKey, 0, gpsdtest.Deadline, pw, os.Stderr) }()
	ours := lines(pr)

	g, err := gpsdtest.Start()
	if err != nil {
		return proctest.Fail("%v", err)
	}
	defer g.Stop()

	var pipe <-chan string
	if path, err := exec.LookPath("gpspipe"); err == nil {
		cmd := exec.Command(path, "-w", fmt.Sprintf("127.0.0.1:%d", gpsdtest.ControlPort))
		out, err := cmd.StdoutPipe()
		if err != nil {
			return proctest.Fail("%v", err)
		}
		if err := cmd.Start(); err != nil {
			return proctest.Fail("gpspipe: %v", err)
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		pipe = lines(out)
		// gpsd streams to gpspipe from the WATCH reply on: fixes sent before it are lost to it.
		if _, err := next(pipe, `gpspipe's "class":"WATCH" line`, func(l string) bool { return strings.Contains(l, `"class":"WATCH"`) }); err != nil {
			return proctest.Fail("%v\ngpsd's log:\n%s", err, g.Log())
		}
	}

	var got []string
	for _, rf := range realFixes {
		if err := g.Send(rf.f); err != nil {
			return proctest.Fail("send: %v", err)
		}
		stamp := `"time":"` + rf.f.Time.Format("2006-01-02T15:04:05.000Z") + `"`
		line, err := next(ours, "reader line with "+stamp+" and mode 3", func(l string) bool {
			return strings.Contains(l, stamp) && strings.Contains(l, `"mode":3`)
		})
		if err != nil {
			return proctest.Fail("%v\ngpsd's log:\n%s", err, g.Log())
		}
		proctest.Say("%s", line)
		got = append(got, line)
	}

	if pipe == nil {
		proctest.Say("gpspipe is not installed (Debian: gpsd-clients): not compared")
	} else {
		for _, line := range got {
			var ourTPV map[string]any
			if err := json.Unmarshal([]byte(line), &ourTPV); err != nil {
				return proctest.Fail("our line %s: %v", line, err)
			}
			theirs, err := next(pipe, "gpspipe TPV at "+ourTPV["time"].(string), func(l string) bool {
				return strings.Contains(l, `"class":"TPV"`) && strings.Contains(l, `"time":"`+ourTPV["time"].(string)+`"`) && strings.Contains(l, `"mode":3`)
			})
			if err != nil {
				return proctest.Fail("%v", err)
			}
			var theirTPV map[string]any
			if err := json.Unmarshal([]byte(theirs), &theirTPV); err != nil {
				return proctest.Fail("gpspipe's line %s: %v", theirs, err)
			}
			for k, v := range ourTPV {
				if theirTPV[k] != v {
					return proctest.Fail("%s: we print %v, gpspipe %v\n ours:    %s\n gpspipe: %s", k, v, theirTPV[k], line, theirs)
				}
			}
		}
		proctest.Say("gpspipe -w printed the same values in its TPV objects for all %d fixes", len(got))
	}
	if err := g.Stop(); err != nil {
		return proctest.Fail("%v", err)
	}
	cancel()
	if err := <-readerDone; err != context.Canceled {
		return proctest.Fail("the reader ended with %v", err)
	}
	return 0
}
