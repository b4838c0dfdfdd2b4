fn main() -> std::process::ExitCode {
    plansearch::cli::main()
}
