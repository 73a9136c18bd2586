// The shop's own script: its customer record, and the CRM id handed to Messenger as soon as
// Messenger's Database plugin is ready (before the customer can type).
window.shop = { customer: { id: "C-10442", tier: "gold" } };
Genesys("subscribe", "Database.ready", function () {
  Genesys("command", "Database.set", {
    messaging: {
      customAttributes: { crmCustomerId: window.shop.customer.id, tier: window.shop.customer.tier }
    }
  });
});
