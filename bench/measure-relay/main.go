// measure-relay: CPU bounds for what coderd does per relayed message (issue 12). Not Coder's code: the
// same libraries' kinds of work (nhooyr websocket over TLS, wireguard-go, chacha20poly1305) on this machine,
// to bound coderd's per-message and per-byte relay cost. Build with Debian's Go packages:
//   GO111MODULE=off GOPATH=/usr/share/gocode go build -o /tmp/measure-relay ./bench/measure-relay
// Modes: aead (ChaCha20-Poly1305 seal+open by size), relay (a child-process relay's CPU per message:
// client --websocket/TLS--> relay --TCP or WireGuard/UDP--> echo, and back).
package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/curve25519"
	"golang.zx2c4.com/wireguard/conn"
	"golang.zx2c4.com/wireguard/device"
	"golang.zx2c4.com/wireguard/tun"
	"nhooyr.io/websocket"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: measure-relay aead|relay|relay-child|echo-child [flags]")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "aead":
		aead()
	case "relay":
		relay(os.Args[2:])
	case "relay-child":
		relayChild(os.Args[2:])
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
		os.Exit(2)
	}
}

// ---- AEAD: WireGuard's cipher, seal then open, per packet size ----

func aead() {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	a, _ := chacha20poly1305.New(key)
	nonce := make([]byte, 12)
	type row struct {
		Size         int     `json:"size_bytes"`
		NsPerSealOpen float64 `json:"ns_per_seal_open"`
	}
	var rows []row
	for _, size := range []int{64, 256, 1024, 1280, 4096, 16384, 65536} {
		pt := make([]byte, size)
		buf := make([]byte, 0, size+16)
		n := 2_000_000 / (size/64 + 1)
		if n < 2000 {
			n = 2000
		}
		best := 1e18
		for rep := 0; rep < 5; rep++ {
			start := time.Now()
			for i := 0; i < n; i++ {
				binary.LittleEndian.PutUint64(nonce[4:], uint64(i))
				ct := a.Seal(buf[:0], nonce, pt, nil)
				if _, err := a.Open(pt[:0], nonce, ct, nil); err != nil {
					panic(err)
				}
			}
			ns := float64(time.Since(start).Nanoseconds()) / float64(n)
			if ns < best {
				best = ns
			}
		}
		rows = append(rows, row{size, best})
	}
	out, _ := json.MarshalIndent(map[string]any{"mode": "aead", "cipher": "chacha20poly1305 (golang.org/x/crypto)", "best_of": 5, "rows": rows}, "", "  ")
	fmt.Println(string(out))
}

// ---- relay: parent runs clients and the echo side; the child is the relay whose CPU is read ----

func procCPUSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		panic(err)
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ = 100
}

func relay(args []string) {
	fs := flag.NewFlagSet("relay", flag.ExitOnError)
	conns := fs.Int("conns", 200, "client connections")
	hz := fs.Float64("hz", 10, "messages per second per connection (client writes; each is echoed back)")
	size := fs.Int("size", 1024, "bytes per message")
	secs := fs.Float64("secs", 20, "measured seconds (after 5 s warm-up)")
	backend := fs.String("backend", "tcp", "relay to echo over: tcp | wg (WireGuard-go over UDP loopback)")
	useTLS := fs.Bool("tls", true, "client websocket over TLS")
	_ = fs.Parse(args)

	// Echo side (the workspace agent's part): a TCP echo server, or a WireGuard peer that reflects packets.
	var echoAddr string
	var wgArgs []string
	switch *backend {
	case "tcp":
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		echoAddr = ln.Addr().String()
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func() { _, _ = io.Copy(c, c) }()
			}
		}()
	case "wg":
		privA, pubA := wgKeys()
		privB, pubB := wgKeys()
		portA, portB := freeUDPPort(), freeUDPPort()
		echoTun := newChanTun()
		dev := device.NewDevice(echoTun, conn.NewDefaultBind(), device.NewLogger(device.LogLevelError, ""))
		cfg := fmt.Sprintf("private_key=%s\nlisten_port=%d\npublic_key=%s\nendpoint=127.0.0.1:%d\nallowed_ip=10.0.0.1/32\n", privB, portB, pubA, portA)
		if err := dev.IpcSet(cfg); err != nil {
			panic(err)
		}
		_ = dev.Up()
		// Reflect every packet: swap source and destination.
		go func() {
			for p := range echoTun.written {
				var a [4]byte
				copy(a[:], p[12:16])
				copy(p[12:16], p[16:20])
				copy(p[16:20], a[:])
				echoTun.toRead <- p
			}
		}()
		wgArgs = []string{"-wg-priv", privA, "-wg-port", strconv.Itoa(portA), "-wg-peer", pubB, "-wg-peer-port", strconv.Itoa(portB)}
	default:
		panic("backend")
	}

	self, _ := os.Executable()
	cargs := append([]string{"relay-child", "-backend", *backend, "-echo", echoAddr, "-tls=" + strconv.FormatBool(*useTLS)}, wgArgs...)
	child := exec.Command(self, cargs...)
	child.Stderr = os.Stderr
	stdout, _ := child.StdoutPipe()
	if err := child.Start(); err != nil {
		panic(err)
	}
	var addr string
	if _, err := fmt.Fscanln(stdout, &addr); err != nil {
		panic(err)
	}

	scheme := "ws"
	hc := http.DefaultClient
	if *useTLS {
		scheme = "wss"
		hc = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	}
	ctx := context.Background()
	var sent, recv int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < *conns; i++ {
		c, _, err := websocket.Dial(ctx, scheme+"://"+addr+"/relay", &websocket.DialOptions{HTTPClient: hc, CompressionMode: websocket.CompressionDisabled})
		if err != nil {
			panic(err)
		}
		c.SetReadLimit(1 << 20)
		go func() {
			for {
				_, b, err := c.Read(ctx)
				if err != nil {
					return
				}
				atomic.AddInt64(&recv, int64(len(b)))
			}
		}()
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			msg := make([]byte, *size)
			_, _ = rand.Read(msg)
			period := time.Duration(float64(time.Second) / *hz)
			time.Sleep(time.Duration(i) * period / time.Duration(*conns))
			t := time.NewTicker(period)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					if err := c.Write(ctx, websocket.MessageBinary, msg); err != nil {
						return
					}
					atomic.AddInt64(&sent, int64(len(msg)))
				}
			}
		}(i)
	}
	time.Sleep(5 * time.Second)
	cpu0, s0, r0, t0 := procCPUSeconds(child.Process.Pid), atomic.LoadInt64(&sent), atomic.LoadInt64(&recv), time.Now()
	time.Sleep(time.Duration(*secs * float64(time.Second)))
	cpu1, s1, r1, t1 := procCPUSeconds(child.Process.Pid), atomic.LoadInt64(&sent), atomic.LoadInt64(&recv), time.Now()
	close(stop)
	wg.Wait()
	_ = child.Process.Kill()
	_ = child.Wait()

	wall := t1.Sub(t0).Seconds()
	cpu := cpu1 - cpu0
	bytes := float64((s1 - s0) + (r1 - r0))
	// Messages the relay carried: each write towards the echo and each echo back that arrived (under load
	// the WireGuard path drops some; counting writes twice would then understate the cost per message).
	msgs := bytes / float64(*size)
	out, _ := json.MarshalIndent(map[string]any{
		"mode": "relay", "backend": *backend, "tls": *useTLS, "conns": *conns, "hz": *hz, "size_bytes": *size,
		"measured_s": wall, "relay_cpu_s": cpu, "relay_vcpu": cpu / wall,
		"messages_relayed": msgs, "bytes_relayed": bytes, "echoed_fraction": float64(r1-r0) / float64(s1-s0),
		"relay_cpu_us_per_message": cpu / msgs * 1e6, "relay_cpu_s_per_mib": cpu / (bytes / (1 << 20)),
		"gomaxprocs": runtime.GOMAXPROCS(0),
	}, "", "  ")
	fmt.Println(string(out))
}

// relayChild is coderd's part: accept a websocket (TLS), copy messages to the echo side and back.
func relayChild(args []string) {
	fs := flag.NewFlagSet("relay-child", flag.ExitOnError)
	backend := fs.String("backend", "tcp", "")
	echo := fs.String("echo", "", "")
	useTLS := fs.Bool("tls", true, "")
	wgPriv := fs.String("wg-priv", "", "")
	wgPort := fs.Int("wg-port", 0, "")
	wgPeer := fs.String("wg-peer", "", "")
	wgPeerPort := fs.Int("wg-peer-port", 0, "")
	_ = fs.Parse(args)

	var wgTun *chanTun
	var routes sync.Map // connection id -> func([]byte)
	var nextID uint32
	if *backend == "wg" {
		wgTun = newChanTun()
		dev := device.NewDevice(wgTun, conn.NewDefaultBind(), device.NewLogger(device.LogLevelError, ""))
		cfg := fmt.Sprintf("private_key=%s\nlisten_port=%d\npublic_key=%s\nendpoint=127.0.0.1:%d\nallowed_ip=10.0.0.2/32\n", *wgPriv, *wgPort, *wgPeer, *wgPeerPort)
		if err := dev.IpcSet(cfg); err != nil {
			panic(err)
		}
		_ = dev.Up()
		go func() {
			for p := range wgTun.written {
				id := binary.BigEndian.Uint32(p[28:32])
				if f, ok := routes.Load(id); ok {
					f.(func([]byte))(p[32:])
				}
			}
		}()
	}

	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
		if err != nil {
			return
		}
		c.SetReadLimit(1 << 20)
		ctx := r.Context()
		nc := websocket.NetConn(ctx, c, websocket.MessageBinary)
		defer nc.Close()
		switch *backend {
		case "tcp":
			// coderd's bicopy: io.Copy both ways between the websocket and the agent's stream.
			be, err := net.Dial("tcp", *echo)
			if err != nil {
				return
			}
			defer be.Close()
			done := make(chan struct{}, 2)
			go func() { _, _ = io.Copy(be, nc); done <- struct{}{} }()
			go func() { _, _ = io.Copy(nc, be); done <- struct{}{} }()
			<-done
		case "wg":
			// Each websocket read becomes one IPv4/UDP packet into WireGuard; packets back become writes.
			id := atomic.AddUint32(&nextID, 1)
			var wmu sync.Mutex
			routes.Store(id, func(b []byte) { wmu.Lock(); _, _ = nc.Write(b); wmu.Unlock() })
			buf := make([]byte, 1200)
			for {
				n, err := nc.Read(buf[32:])
				if err != nil {
					return
				}
				p := make([]byte, 32+n)
				p[0] = 0x45
				binary.BigEndian.PutUint16(p[2:4], uint16(32+n))
				p[8] = 64
				p[9] = 17
				copy(p[12:16], []byte{10, 0, 0, 1})
				copy(p[16:20], []byte{10, 0, 0, 2})
				binary.BigEndian.PutUint16(p[24:26], uint16(12+n))
				binary.BigEndian.PutUint32(p[28:32], id)
				copy(p[32:], buf[32:32+n])
				wgTun.toRead <- p
			}
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Println(ln.Addr().String())
	srv := &http.Server{Handler: h}
	if *useTLS {
		cert := selfSigned()
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		_ = srv.ServeTLS(ln, "", "")
	} else {
		_ = srv.Serve(ln)
	}
}

// ---- a TUN made of channels, so wireguard-go runs without a kernel device ----

type chanTun struct {
	toRead  chan []byte // packets the stack sends (wireguard encrypts them)
	written chan []byte // packets wireguard decrypted
	events  chan tun.Event
}

func newChanTun() *chanTun {
	t := &chanTun{toRead: make(chan []byte, 1024), written: make(chan []byte, 1024), events: make(chan tun.Event, 1)}
	t.events <- tun.EventUp
	return t
}
func (t *chanTun) File() *os.File { return nil }
func (t *chanTun) Read(b []byte, off int) (int, error) {
	p, ok := <-t.toRead
	if !ok {
		return 0, io.EOF
	}
	return copy(b[off:], p), nil
}
func (t *chanTun) Write(b []byte, off int) (int, error) {
	p := make([]byte, len(b)-off)
	copy(p, b[off:])
	t.written <- p
	return len(b) - off, nil
}
func (t *chanTun) Flush() error             { return nil }
func (t *chanTun) MTU() (int, error)        { return 1280, nil }
func (t *chanTun) Name() (string, error)    { return "chantun", nil }
func (t *chanTun) Events() chan tun.Event   { return t.events }
func (t *chanTun) Close() error             { return nil }

func wgKeys() (priv, pub string) {
	var k [32]byte
	_, _ = rand.Read(k[:])
	k[0] &= 248
	k[31] = (k[31] & 127) | 64
	p, err := curve25519.X25519(k[:], curve25519.Basepoint)
	if err != nil {
		panic(err)
	}
	return hex.EncodeToString(k[:]), hex.EncodeToString(p)
}

func freeUDPPort() int {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}
