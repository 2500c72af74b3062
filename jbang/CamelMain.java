// The `camel` CLI of Camel JBang (org.apache.camel:camel-jbang-core) without the jbang launcher: bin/camel runs
// this file with the CLI's class path (java's single-file source launch); everything after it goes to the CLI.
public class CamelMain {
    public static void main(String[] args) {
        org.apache.camel.dsl.jbang.core.commands.CamelJBangMain.run(args);
    }
}
