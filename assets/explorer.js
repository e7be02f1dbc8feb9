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
  var props = { fetcher: fetcher, shouldPersistHeaders: false };
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
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, props));
})();
