package greeter;

import org.apache.commons.lang3.StringUtils;

/** Prints the greeting the benchmark checks for (commons-lang3 proves the dependency is in the jar). */
public class Main {
    public static void main(String[] args) {
        System.out.println(StringUtils.capitalize("hello from the dockeropt java sample"));
    }
}
