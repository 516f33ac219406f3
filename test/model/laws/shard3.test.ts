import { describeLaws } from "./operationalLaws.js";

describeLaws(2, 3);
