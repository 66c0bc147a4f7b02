// Runs once against mongo1 as root: the replica set, then twincms's own
// user (readWrite on its database only).
const members = [0, 1, 2].map(i => ({ _id: i, host: `mongo${i + 1}:27017` }));
try {
  rs.status();
} catch (e) {
  rs.initiate({ _id: "rs0", members });
}
while (!db.hello().isWritablePrimary) { sleep(1000); }
const app = db.getSiblingDB("twincms");
if (!app.getUser(process.env.TWINCMS_DB_USER)) {
  app.createUser({ user: process.env.TWINCMS_DB_USER, pwd: process.env.TWINCMS_DB_PASSWORD,
    roles: [{ role: "readWrite", db: "twincms" }] });
}
print("replica set rs0 and user " + process.env.TWINCMS_DB_USER + " ready");
