// Sample HTTP service for benchmarks/verify_app.py. GET /healthz answers "ok". With -selftest it
// serves on a free local port, calls /healthz once, checks the time zone database, prints both and exits
// (the smoke test run in the images before and after the rewrite).
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"
)

func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	return mux
}

func selftest() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go http.Serve(ln, handler())
	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	_, tzErr := time.LoadLocation("Europe/Paris")
	fmt.Printf("healthz: %stime zones: %v\n", body, tzErr == nil)
	return nil
}

func main() {
	test := flag.Bool("selftest", false, "call /healthz once on a free port and exit")
	addr := flag.String("addr", ":8080", "listen address")
	flag.Parse()
	if *test {
		if err := selftest(); err != nil {
			log.Fatal(err)
		}
		return
	}
	log.Fatal(http.ListenAndServe(*addr, handler()))
}
