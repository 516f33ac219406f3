import { describeLaws } from "./operationalLaws.js";

describeLaws(1, 3);
