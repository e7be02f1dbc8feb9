#!/usr/bin/env bash
# Vendors the GraphiQL explorer's browser files into assets/graphiql/ from the npm
# registry: the built UMD files of `graphiql` and React's production UMD builds, with their
# licences. Nothing is built; the files are copied as npm publishes them, renamed to carry
# their version (they are served as immutable under /graphql/assets/).
#
#   scripts/update-graphiql.sh                       # the pinned versions below
#   GRAPHIQL=4.1.2 REACT=18.3.1 scripts/update-graphiql.sh
#
# After changing a version, update the file names in src/http/explorer.rs (ASSETS) and
# the versions in assets/graphiql/README.md, then run the explorer tests
# (`cargo nextest run explorer`). graphiql 5 and later ship no UMD build (ES modules and
# Monaco web workers that need a bundler), and React 19 ships none either: stay on
# graphiql 4.x and React 18.x unless the page moves to a bundled build.
# Needs npm and tar.
set -euo pipefail
cd "$(dirname "$0")/.."

GRAPHIQL=${GRAPHIQL:-4.1.2}
REACT=${REACT:-18.3.1}
out=assets/graphiql
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null)
for tarball in "graphiql-$GRAPHIQL" "react-$REACT" "react-dom-$REACT"; do
  pkg=${tarball%-*}
  mkdir -p "$work/$pkg"
  tar -xzf "$work/$tarball.tgz" -C "$work/$pkg" --strip-components=1
done

rm -f "$out"/*.js "$out"/*.css "$out"/LICENSE-*
mkdir -p "$out"
cp "$work/graphiql/graphiql.min.js" "$out/graphiql-$GRAPHIQL.min.js"
cp "$work/graphiql/graphiql.min.css" "$out/graphiql-$GRAPHIQL.min.css"
cp "$work/graphiql/LICENSE" "$out/LICENSE-graphiql"
cp "$work/react/umd/react.production.min.js" "$out/react-$REACT.production.min.js"
cp "$work/react/LICENSE" "$out/LICENSE-react"
cp "$work/react-dom/umd/react-dom.production.min.js" "$out/react-dom-$REACT.production.min.js"
cp "$work/react-dom/LICENSE" "$out/LICENSE-react-dom"
# The source maps would name files outside the repository: leave them out.
sed -i '/^\/\/# sourceMappingURL=/d' "$out"/*.js "$out"/*.css

(cd "$out" && sha256sum -- *.js *.css > SHA256SUMS)
echo "vendored graphiql $GRAPHIQL and react $REACT into $out:"
ls -l "$out"
