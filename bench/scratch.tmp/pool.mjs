import { np } from "../../dist/index.js";
const x = np.arange(25).reshape([1,1,5,5]);
const cut = x.get(":", ":", ":4", ":4");
console.log(np.max(cut.reshape([1,1,2,2,2,2]), { axis: [3, 5] }).toArray()[0][0]);
