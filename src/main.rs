// mimalloc for the command line only (the library leaves the allocator to its user): on
// Microsoft Graph's beta it keeps the peak under 1 GiB (0.92 GiB against glibc's 1.06: no
// second arena for the formatting thread) and the run 0.85x; `no_thp` keeps small runs small
// (nexus 32 MB; with transparent huge pages, 71 MB).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    sdkgen::cli::run()
}
