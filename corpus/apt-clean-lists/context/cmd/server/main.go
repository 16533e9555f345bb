// Command server prints the time in the configured zone (TZ), which the runtime stage's tzdata resolves.
package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println(time.Now().Format(time.RFC3339), time.Local)
}
