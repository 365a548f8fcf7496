fn main() -> std::process::ExitCode {
    sdkgen::cli::run()
}
