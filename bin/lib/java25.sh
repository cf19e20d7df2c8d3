# Sourced by Hearth's scripts: sets JAVA to a JDK 25 (JAVA_HOME if it is 25 or newer, else Temurin 25's usual
# place), or stops with a message saying what to install.
hearth_java_version() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/java-25-openjdk-amd64; do
  if [[ -n "$candidate" && -x "$candidate/bin/java" ]]; then
    v=$(hearth_java_version "$candidate/bin/java")
    if [[ -n "$v" && "$v" -ge 25 ]]; then
      export JAVA_HOME="$candidate"
      JAVA="$candidate/bin/java"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0 2>/dev/null || exit 0
    fi
  fi
done
echo "Hearth needs JDK 25 (FFM and Vector API): install Temurin 25 or set JAVA_HOME to a JDK 25 (found: ${JAVA_HOME:-none})." >&2
return 1 2>/dev/null || exit 1
