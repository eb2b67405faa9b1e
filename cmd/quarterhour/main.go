// Command quarterhour runs the QuarterHour (一刻钟) platform: the web server,
// data seeding and user administration.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"golang.org/x/term"
)

// command is one subcommand; adding a subcommand is one entry in commands.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, env *env) error
}

// env is what a subcommand may use from the process.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
	getenv func(string) string
	// terminal prompts on an interactive terminal and reads a line without
	// echo; nil when standard input is not a terminal.
	terminal func(prompt string) (string, error)
}

var commands = []command{
	{"serve", "run the web server and API", runServe},
	{"import", "import data: import network FILE.osm.pbf|.geojson|.zip --area NAME | import osm-outlets FILE | import outlets|communities FILE.xlsx|.csv|.geojson|.zip [--crs C] --source S", runImport},
	{"seed", "load reference data (and with --demo the Jining demo) into an empty database", runSeed},
	{"user", "manage users: user add --username U --role R [--district CODE] [--password-stdin]", runUser},
	{"evaluate", "score a circle live: evaluate --circle ID [--scheme jining-2023] [--year 2023] [--format json|table]", runEvaluate},
	{"version", "print the version", runVersion},
}

// errUsage marks a command-line mistake; the usage was already printed.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := &env{
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		log:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
		getenv: os.Getenv,
	}
	if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		e.terminal = func(prompt string) (string, error) {
			fmt.Fprint(os.Stderr, prompt)
			b, err := term.ReadPassword(fd)
			fmt.Fprintln(os.Stderr)
			return string(b), err
		}
	}
	err := run(ctx, os.Args[1:], e)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, errUsage), errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		e.log.Error("quarterhour failed", "err", err)
		os.Exit(1)
	}
}

// run dispatches args to a subcommand.
func run(ctx context.Context, args []string, e *env) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stderr)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], e)
		}
	}
	fmt.Fprintf(e.stderr, "quarterhour: unknown command %q\n\n", args[0])
	usage(e.stderr)
	return errUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: quarterhour <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `run "quarterhour <command> -h" for a command's flags`)
}

// defaultDB is the store used when neither --db nor QUARTERHOUR_DB is set.
const defaultDB = "sqlite:./data/quarterhour.db"

// dbFlag registers --db with its default from QUARTERHOUR_DB.
func dbFlag(fs *flag.FlagSet, e *env) *string {
	def := e.getenv("QUARTERHOUR_DB")
	if strings.TrimSpace(def) == "" {
		def = defaultDB
	}
	return fs.String("db", def, "database: sqlite:/path/file.db or postgres://... (env QUARTERHOUR_DB)")
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet("quarterhour "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// parseFlags parses args and rejects stray positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}
