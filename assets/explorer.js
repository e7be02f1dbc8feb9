// Cadence's GraphiQL bootstrap: reads the page's settings from its JSON data block and
// renders GraphiQL against this origin's /graphql, over HTTP for queries and mutations and
// graphql-transport-ws for subscriptions. Served from the binary; no inline script.
(function () {
  'use strict';
  var settings = JSON.parse(document.getElementById('explorer-settings').textContent);
  var endpoint = new URL(settings.endpoint, window.location.href);
  var socket = new URL(endpoint.href);
  socket.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
  var fetcher = GraphiQL.createFetcher({
    url: endpoint.href,
    subscriptionUrl: socket.href,
  });
  var props = {
    fetcher: fetcher,
    storage: withoutHeaders(window.localStorage),
    // Headers hold tokens: never kept in the browser, and no setting to keep them.
    shouldPersistHeaders: false,
    showPersistHeadersSettings: false,
  };
  if (settings.query !== null) {
    props.defaultQuery = settings.query;
  }
  if (settings.headers !== null) {
    // The demo's token changes with every run: put it in the first tab and in every new
    // one, and open the Headers tab so that it shows.
    props.defaultTabs = [{ query: settings.query || '', headers: settings.headers }];
    props.defaultHeaders = settings.headers;
    props.defaultEditorToolsVisibility = 'headers';
  }
  // GraphiQL's history stores each run's headers, whatever `shouldPersistHeaders` says:
  // this storage drops them from the history and the favourites before they are written.
  function withoutHeaders(storage) {
    var lists = /^graphiql:(queries|favorites)$/;
    function ours() {
      return Object.keys(storage).filter(function (key) {
        return key.indexOf('graphiql:') === 0;
      });
    }
    return {
      getItem: function (key) {
        return storage.getItem(key);
      },
      setItem: function (key, value) {
        if (lists.test(key)) {
          var saved = JSON.parse(value);
          (saved[key.match(lists)[1]] || []).forEach(function (item) {
            delete item.headers;
          });
          value = JSON.stringify(saved);
        }
        storage.setItem(key, value);
      },
      removeItem: function (key) {
        storage.removeItem(key);
      },
      // Like GraphiQL's own: only its keys.
      clear: function () {
        ours().forEach(function (key) {
          storage.removeItem(key);
        });
      },
      get length() {
        return ours().length;
      },
    };
  }

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, props));
})();
