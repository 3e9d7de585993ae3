fn main() -> std::process::ExitCode {
    reel::run()
}
